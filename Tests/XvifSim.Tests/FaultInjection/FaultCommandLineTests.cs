using XvifSim.Tests.Host;

namespace XvifSim.Tests.FaultInjection;

/// <summary>`--fault SPEC` on `run` and `up`: repeatable, injected into the run, and a bad spec is one line and exit 2.</summary>
public class FaultCommandLineTests
{
    private string _directory = "";

    [SetUp]
    public void MakeDirectory() => _directory = Directory.CreateTempSubdirectory("xvifsim-fault-cli-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void RunPingWithFaultsInjectsThemAndStillPasses()
    {
        (int exit, string output, string error) = XvifSimCli.Invoke(
            "run", "ping", "--out", _directory,
            "--fault", "xs:op=TRANSACTION_END,dom=1,error=EAGAIN,count=2",
            "--fault", "evtchn-delay:dom=1,port=3,ms=100");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(error, Is.Empty);
            Assert.That(output, Does.Contain("] fault injected: XS_TRANSACTION_END #2 of d1 answered EAGAIN [xs:op=TRANSACTION_END,dom=1,error=EAGAIN,count=2]"));
            Assert.That(output, Does.Contain("] fault injected: EVTCHNOP_send #1 of d1 port 3 delayed 100 ms [evtchn-delay:dom=1,port=3,ms=100]"));
            Assert.That(output, Does.Contain("ping: PASS"));
        });
    }

    [Test]
    public void RunWithAFaultThatBreaksThePingFailsItsCheck()
    {
        (int exit, string output, _) = XvifSimCli.Invoke("run", "ping", "--out", _directory, "--fault", "hotplug-fail:dom=1");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(output, Does.Contain("fault injected: libxl: vif 1/0: hotplug script made to fail [hotplug-fail:dom=1]"));
            Assert.That(output, Does.Contain("ping: FAIL"));
        });
    }

    [TestCase("run", "ping")]
    [TestCase("up", "GUEST")]
    public void ABadSpecIsOneLineAndExitTwo(string command, string argument)
    {
        if (argument == "GUEST")
        {
            argument = Path.Combine(_directory, "g.cfg");
            File.WriteAllText(argument, "name = \"g\"\nvif = [ \"\" ]\n");
        }

        string captures = Path.Combine(_directory, "never");
        (int exit, string output, string error) = XvifSimCli.Invoke(
            command, argument, "--out", captures, "--fault", "evtchn-drop:dom=1,port=3", "--fault", "gnttab-copy:dom=0,status=GNTST_bogus");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(output, Is.Empty, "nothing was started");
            Assert.That(error, Does.StartWith($"xvifsim {command}: --fault 'gnttab-copy:dom=0,status=GNTST_bogus': status: 'GNTST_bogus' is not a GNTST name"));
            string[] lines = error.TrimEnd('\n').Split('\n');
            Assert.That(lines, Has.Length.EqualTo(2), "the error and the command's usage line, no stack trace");
            Assert.That(lines[^1], Does.StartWith($"usage: ./run-sim.sh {command} "));
            Assert.That(Directory.Exists(captures), Is.False, "checked before anything is made");
        });
    }

    [Test]
    public void UpTakesFaultsToo()
    {
        string guest = Path.Combine(_directory, "g.cfg");
        File.WriteAllText(guest, "name = \"g\"\nvif = [ \"\" ]\n");
        (int exit, string output, string error) = XvifSimCli.Invoke(
            "up", guest, "--traffic", "ping", "--out", _directory, "--fault", "gnttab-map:dom=0,peer=1,status=GNTST_no_device_space");
        Assert.Multiple(() =>
        {
            Assert.That(output + error, Does.Contain("fault injected: GNTTABOP_map_grant_ref #1 of d0"));
            Assert.That(exit, Is.EqualTo(1), "the guest never connects");
        });
    }
}
