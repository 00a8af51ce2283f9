using XvifSim.Host.Scenarios;

namespace XvifSim.Tests.Host.Scenarios;

/// <summary>
/// The vif lifecycle scenarios end to end (hotplug, suspend-resume,
/// rx-starvation) under both schedulers; their captures read back with
/// tshark: the frames in the right files, one file per interface across a
/// detach and re-attach, byte-identical for one seed.
/// </summary>
public class LifecycleScenarioTests
{
    private static readonly string[] Names = ["hotplug", "suspend-resume", "rx-starvation"];

    private string _captures = "";

    [SetUp]
    public void MakeDirectory() => _captures = Directory.CreateTempSubdirectory("xvifsim-lifecycle-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_captures, recursive: true);

    private (ScenarioResult Result, string Output) Run(string name, bool threaded = false, int seed = 1, string? into = null)
    {
        IScenario scenario = ScenarioCatalog.Find(name)!;
        var output = new StringWriter();
        ScenarioResult result = scenario.Run(new ScenarioOptions(seed, threaded) { CaptureDirectory = into ?? _captures }, output);
        return (result, output.ToString());
    }

    private string[] Fields(string name, string file, string filter, params string[] fields) =>
        Tshark.Run([ "-r", Path.Combine(_captures, name, file), "-Y", filter, "-T", "fields", .. fields.SelectMany(f => new[] { "-e", f }) ]);

    [Test]
    public void EachScenarioPassesUnderTheThreadedScheduler([ValueSource(nameof(Names))] string name)
    {
        (ScenarioResult result, string output) = Run(name, threaded: true);
        Assert.That(result.Failures, Is.Empty, output);
    }

    [Test]
    public void EachScenarioPassesAndTsharkReadsEveryFileItWrote([ValueSource(nameof(Names))] string name)
    {
        (ScenarioResult result, string output) = Run(name);
        Assert.That(result.Failures, Is.Empty, output);
        string[] files = Directory.GetFiles(Path.Combine(_captures, name));
        Assert.That(files.Select(Path.GetFileName), Is.EquivalentTo(new[] { "all.pcapng", "dom0.bridge0.pcap", "dom0.xvif1i0.pcap", "guest1.xennet0.pcap" }));
        foreach (string file in files)
        {
            Assert.That(Tshark.Run("-r", file), Is.Not.Empty, file);
        }
    }

    [Test]
    public void HotplugKeepsBothRoundsOfEchoesInOneFilePerInterface()
    {
        (ScenarioResult result, string output) = Run("hotplug");
        Assert.That(result.Failures, Is.Empty, output);
        foreach (string file in new[] { "guest1.xennet0.pcap", "dom0.xvif1i0.pcap", "dom0.bridge0.pcap" })
        {
            string[] echoes = Fields("hotplug", file, "icmp.type == 8 && ip.src == 10.0.0.2", "icmp.ident");
            Assert.That(echoes, Is.EqualTo(new[] { "18193", "18193", "18193", "18209", "18209", "18209" }), $"{file}: three echo requests before the detach (0x4711), three after the re-attach (0x4721)");
        }

        string[] between = Fields("hotplug", "dom0.bridge0.pcap", "icmp.type == 8 && icmp.ident == 0x4780", "icmp.seq");
        string[] reached = Fields("hotplug", "guest1.xennet0.pcap", "icmp.ident == 0x4780", "icmp.seq");
        string[] interfaces = Fields("hotplug", "all.pcapng", "icmp.type == 8 && ip.src == 10.0.0.2", "frame.interface_id", "frame.interface_name");
        Assert.Multiple(() =>
        {
            Assert.That(between, Has.Length.EqualTo(2), "dom0's pings while detached leave bridge0");
            Assert.That(reached, Is.Empty, "and reach no guest");
            Assert.That(interfaces.Distinct().Count(), Is.EqualTo(3), "all.pcapng keeps one interface per name across the re-attach");
        });
    }

    [Test]
    public void SuspendResumeHasEchoesBeforeAndAfterOnTheSameFilesAndMac()
    {
        (ScenarioResult result, string output) = Run("suspend-resume");
        Assert.That(result.Failures, Is.Empty, output);
        foreach (string file in new[] { "guest1.xennet0.pcap", "dom0.xvif1i0.pcap" })
        {
            string[] echoes = Fields("suspend-resume", file, "icmp.type == 8 && ip.src == 10.0.0.2", "icmp.ident", "eth.src");
            Assert.That(echoes, Is.EqualTo(Enumerable.Repeat("18177\t00:16:3e:12:34:56", 3).Concat(Enumerable.Repeat("18193\t00:16:3e:12:34:56", 3))),
                $"{file}: echoes before (0x4701) and after (0x4711) the resume, from the same MAC");
        }

        Assert.That(output, Does.Contain("xennet0: removed event channel"));
    }

    [Test]
    public void RxStarvationDeliversOrCountsEveryDatagram()
    {
        (ScenarioResult result, string output) = Run("rx-starvation");
        Assert.That(result.Failures, Is.Empty, output);
        int sent = Fields("rx-starvation", "dom0.xvif1i0.pcap", "udp.dstport == 9000", "frame.number").Length;
        int delivered = Fields("rx-starvation", "guest1.xennet0.pcap", "udp.dstport == 9000", "frame.number").Length;
        Assert.Multiple(() =>
        {
            Assert.That(sent, Is.EqualTo(RxStarvationScenario.Burst), "xvif1i0's tap sees every datagram dom0 sent");
            Assert.That(delivered, Is.LessThan(sent).And.GreaterThan(XvifSim.Backend.XvifInstance.RxQueueLength), "the guest got the posted buffers' worth and the queue, not the drops");
            Assert.That(output, Does.Contain($"= {RxStarvationScenario.Burst} of {RxStarvationScenario.Burst} sent"));
            Assert.That(output, Does.Contain($"xvif1i0 holds {XvifSim.Backend.XvifInstance.RxQueueLength} (RxQueued), dropped {sent - delivered} (OutDrops)"));
        });
    }

    [Test]
    public void TheSameSeedGivesByteIdenticalCaptures([ValueSource(nameof(Names))] string name)
    {
        string first = Path.Combine(_captures, "a");
        string second = Path.Combine(_captures, "b");
        Run(name, seed: 7, into: first);
        Run(name, seed: 7, into: second);
        foreach (string file in Directory.GetFiles(Path.Combine(first, name)).Select(Path.GetFileName)!)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(second, name, file!)), Is.EqualTo(File.ReadAllBytes(Path.Combine(first, name, file!))), file);
        }
    }
}
