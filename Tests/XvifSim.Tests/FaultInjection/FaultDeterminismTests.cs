using XvifSim.Host.Faults;
using XvifSim.Host.Scenarios;

namespace XvifSim.Tests.FaultInjection;

/// <summary>Same seed, same plan: the same run, byte for byte, in the logs and in every capture.</summary>
public class FaultDeterminismTests
{
    private static readonly string[] Plan =
    [
        "gnttab-copy:dom=0,peer=1,nth=3,status=GNTST_bad_gntref",
        "xs:op=TRANSACTION_END,dom=1,error=EAGAIN",
        "evtchn-delay:dom=1,port=3,ms=150,nth=6,count=4",
        "evtchn-drop:dom=0,port=5,nth=7",
        "hotplug-late:dom=1,ms=250",
    ];

    private readonly List<string> _directories = [];

    [TearDown]
    public void RemoveDirectories()
    {
        foreach (string directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private (string Output, Dictionary<string, byte[]> Captures) Run(int seed)
    {
        string directory = Directory.CreateTempSubdirectory("xvifsim-faults-").FullName;
        _directories.Add(directory);
        var output = new StringWriter();
        ScenarioCatalog.Find("ping")!.Run(new ScenarioOptions(seed) { CaptureDirectory = directory, Faults = FaultPlan.Parse(Plan) }, output);
        string dir = Path.Combine(directory, "ping");
        return (output.ToString().Replace(directory, "<captures>", StringComparison.Ordinal),
            Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes));
    }

    [Test]
    public void TheSameSeedAndPlanGiveByteIdenticalLogsAndCaptures()
    {
        (string output1, Dictionary<string, byte[]> captures1) = Run(seed: 7);
        (string output2, Dictionary<string, byte[]> captures2) = Run(seed: 7);
        Assert.Multiple(() =>
        {
            Assert.That(output1, Does.Contain("fault injected: GNTTABOP_copy #3 of d0"));
            Assert.That(output1, Does.Contain("fault injected: XS_TRANSACTION_END #1 of d1 answered EAGAIN"));
            Assert.That(output1, Does.Contain("delayed 150 ms [evtchn-delay:dom=1,port=3,ms=150,nth=6,count=4]"));
            Assert.That(output1, Does.Contain("fault injected: EVTCHNOP_send #7 of d0 port 5 dropped"));
            Assert.That(output1, Does.Contain("fault injected: libxl: vif 1/0: hotplug script starts 250 ms late"));
            Assert.That(output2, Is.EqualTo(output1));
            Assert.That(captures1.Keys, Is.Not.Empty);
            Assert.That(captures2.Keys, Is.EquivalentTo(captures1.Keys));
            foreach ((string name, byte[] bytes) in captures1)
            {
                Assert.That(captures2[name], Is.EqualTo(bytes), name);
            }
        });
    }
}
