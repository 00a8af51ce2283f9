using XvifSim.Host.Scenarios;

namespace XvifSim.Tests.Host.Scenarios;

/// <summary>
/// The driver scenarios end to end: xennet and xvif connect through XenStore,
/// frames cross the rings, dom0's bridge and IP stack answer, the guests are
/// destroyed with nothing left held; under both schedulers. Their captures
/// are read back with tshark.
/// </summary>
public class DriverScenarioTests
{
    private string _captures = "";

    [SetUp]
    public void MakeDirectory() => _captures = Directory.CreateTempSubdirectory("xvifsim-scenario-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_captures, recursive: true);

    private (ScenarioResult Result, string Output) Run(string name, bool threaded = false, int seed = 1, string? into = null)
    {
        IScenario scenario = ScenarioCatalog.Find(name)!;
        var output = new StringWriter();
        ScenarioResult result = scenario.Run(new ScenarioOptions(seed, threaded) { CaptureDirectory = into ?? _captures }, output);
        return (result, output.ToString());
    }

    [Test]
    public void EveryScenarioPassesItsOwnCheck(
        [Values("ping", "guest-to-guest", "bad-mac", "missing-mac")] string name,
        [Values(false, true)] bool threaded)
    {
        (ScenarioResult result, string output) = Run(name, threaded);
        Assert.That(result.Failures, Is.Empty, output);
    }

    [Test]
    public void PingShowsTheHandshakeDiagnosticsAndTheSummary()
    {
        (_, string output) = Run("ping");
        Assert.Multiple(() =>
        {
            Assert.That(output, Does.Contain("xvif1i0: Ethernet address 00:16:3f:12:34:56"), "the man page's MAC rule: third byte + 1");
            Assert.That(output, Does.Contain("xennet0: MAC address 00:16:3e:12:34:56"));
            Assert.That(output, Does.Contain("xennet0: backend features 0x7<IPV6-CSUM,SG,RX-COPY>"));
            Assert.That(output, Does.Contain("3 packets transmitted, 3 packets received"));
            Assert.That(output, Does.Match(@"guest1/xennet0\s+\d+"));
            Assert.That(output, Does.Contain("ping: PASS"));
        });
    }

    [Test]
    public void TheEchoRequestIsOnTheXennetTheXvifAndTheBridgeWithGoodChecksums()
    {
        Run("ping");
        string dir = Path.Combine(_captures, "ping");
        foreach (string file in new[] { "guest1.xennet0.pcap", "dom0.xvif1i0.pcap", "dom0.bridge0.pcap" })
        {
            string[] echoes = Tshark.Run("-r", Path.Combine(dir, file), "-Y", "icmp.type == 8 && ip.src == 10.0.0.2", "-T", "fields", "-e", "ip.dst");
            string[] replies = Tshark.Run("-r", Path.Combine(dir, file), "-Y", "icmp.type == 0 && ip.dst == 10.0.0.2", "-T", "fields", "-e", "ip.src");
            string[] checks = Tshark.Run("-r", Path.Combine(dir, file), "-o", "ip.check_checksum:TRUE", "-Y", "icmp", "-T", "fields", "-e", "ip.checksum.status", "-e", "icmp.checksum.status");
            Assert.Multiple(() =>
            {
                Assert.That(echoes, Has.Length.EqualTo(3).And.All.EqualTo("10.0.0.1"), file);
                Assert.That(replies, Has.Length.EqualTo(3).And.All.EqualTo("10.0.0.1"), file);
                Assert.That(checks, Is.Not.Empty.And.All.EqualTo("1\t1"), $"{file}: IP and ICMP checksums good");
            });
        }

        string[] all = Tshark.Run("-r", Path.Combine(dir, "all.pcapng"), "-Y", "icmp.type == 8 && icmp.seq == 0 && ip.src == 10.0.0.2", "-T", "fields", "-e", "frame.interface_name");
        Assert.That(all, Is.EqualTo(new[] { "guest1/xennet0", "dom0/xvif1i0", "dom0/bridge0" }), "the request crosses the three interfaces in order");
    }

    [Test]
    public void UdpBetweenGuestsHasGoodChecksumsOnBothXvifs()
    {
        Run("guest-to-guest");
        string dir = Path.Combine(_captures, "guest-to-guest");
        foreach (string file in new[] { "dom0.xvif1i0.pcap", "dom0.xvif2i0.pcap" })
        {
            string[] udp = Tshark.Run("-r", Path.Combine(dir, file), "-o", "udp.check_checksum:TRUE", "-Y", "udp.port == 7", "-T", "fields", "-e", "udp.checksum.status");
            Assert.That(udp, Has.Length.EqualTo(20).And.All.EqualTo("1"), $"{file}: 10 datagrams and 10 echoes, checksums good");
        }
    }

    [Test]
    public void TheSameSeedGivesByteIdenticalCaptures()
    {
        string first = Path.Combine(_captures, "a");
        string second = Path.Combine(_captures, "b");
        Run("guest-to-guest", seed: 7, into: first);
        Run("guest-to-guest", seed: 7, into: second);
        string[] files = [.. Directory.GetFiles(Path.Combine(first, "guest-to-guest")).Select(Path.GetFileName)!];
        Assert.That(files, Has.Length.EqualTo(6), "3 interfaces per guest pair plus bridge0 and all.pcapng");
        foreach (string file in files)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(second, "guest-to-guest", file)),
                Is.EqualTo(File.ReadAllBytes(Path.Combine(first, "guest-to-guest", file))), file);
        }
    }

    [TestCase("bad-mac", "xvif2i0: 00:16:3e:zz:00:01 is not a valid mac address")]
    [TestCase("missing-mac", "xvif2i0: can't read backend/vif/2/0/mac: 2")]
    public void TheDiagnosticIsInDom0sLogAndNoInterfaceIsMade(string name, string diagnostic)
    {
        (ScenarioResult result, string output) = Run(name);
        Assert.Multiple(() =>
        {
            Assert.That(result.Failures, Is.Empty, output);
            Assert.That(output, Does.Contain(diagnostic));
            Assert.That(output, Does.Not.Contain("dom0/xvif2i0"), "no xvif2i0 in the interface table");
            Assert.That(File.Exists(Path.Combine(_captures, name, "dom0.xvif2i0.pcap")), Is.False);
        });
    }
}
