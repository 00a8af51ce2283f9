using System.Text.RegularExpressions;

namespace XvifSim.Tests.Host;

/// <summary>`xvifsim up`: a user's own guests from their xl.cfg files.</summary>
[NonParallelizable]
public class UpCommandTests
{
    private string _dir = "";

    private string Captures => Path.Combine(_dir, "captures");

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("xvifsim-up-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string Cfg(string file, string text)
    {
        string path = Path.Combine(_dir, file);
        File.WriteAllText(path, text);
        return path;
    }

    private (string Web, string Db) TwoGuests() =>
        (Cfg("web.cfg", "name = \"web\"\nmemory = 256\nvif = [ \"mac=00:16:3e:12:34:56,bridge=bridge0\" ]\n"),
         Cfg("db.cfg", "# no mac: libxl makes one up in Xen's OUI\nname = \"db\"\nvif = [ \"\" ]\n"));

    [Test]
    public void TwoGuestsBootConnectPingEachOtherAndDom0AndAreSummarised()
    {
        (string web, string db) = TwoGuests();
        (int exit, string output, string error) = XvifSimCli.Invoke("up", web, db, "--out", Captures);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Contain("xennet0: MAC address 00:16:3e:12:34:56"));
            Assert.That(output, Does.Match(@"xennet0: MAC address 00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}"));
            Assert.That(Regex.Matches(output, "xennet0: MAC address 00:16:3e:"), Has.Count.EqualTo(2));
            Assert.That(output, Does.Contain("web: --- 10.0.0.1 ping statistics --- 3 packets transmitted, 3 packets received"));
            Assert.That(output, Does.Contain("web: --- 10.0.0.3 ping statistics --- 3 packets transmitted, 3 packets received"));
            Assert.That(output, Does.Contain("db: --- 10.0.0.1 ping statistics --- 3 packets transmitted, 3 packets received"));
            Assert.That(output, Does.Contain("db: --- 10.0.0.2 ping statistics --- 3 packets transmitted, 3 packets received"));
            Assert.That(output, Does.Match(@"interface\s+in pkts\s+in bytes\s+out pkts\s+out bytes\s+ierrs\s+idrops\s+oerrs\s+odrops\s+capture"));
            Assert.That(output, Does.Match(@"web/xennet0\s+\d+"));
            Assert.That(output, Does.Contain("up: PASS"));
            foreach (string file in new[] { "web.xennet0.pcap", "db.xennet0.pcap", "dom0.xvif1i0.pcap", "dom0.xvif2i0.pcap", "dom0.bridge0.pcap", "all.pcapng" })
            {
                Assert.That(new FileInfo(Path.Combine(Captures, "up", file)).Length, Is.GreaterThan(0), file);
            }
        });
    }

    [Test]
    public void TheSameSeedMakesUpTheSameMac()
    {
        (_, string db) = TwoGuests();
        string Mac(string seed)
        {
            (_, string output, _) = XvifSimCli.Invoke("up", db, "--traffic", "none", "--seed", seed, "--out", Captures);
            return Regex.Match(output, "xennet0: MAC address (\\S+)").Groups[1].Value;
        }

        string first = Mac("7");
        Assert.That(Mac("7"), Is.EqualTo(first).And.StartsWith("00:16:3e:"));
    }

    [Test]
    public void UdpTrafficIsAnEchoExchangeWithDom0AndEachOtherGuest()
    {
        (string web, string db) = TwoGuests();
        (int exit, string output, string error) = XvifSimCli.Invoke("up", web, db, "--traffic", "udp", "--out", Captures);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Contain("web: 3 of 3 UDP datagrams to 10.0.0.1:7 came back"));
            Assert.That(output, Does.Contain("web: 3 of 3 UDP datagrams to 10.0.0.3:7 came back"));
            Assert.That(output, Does.Contain("db: 3 of 3 UDP datagrams to 10.0.0.2:7 came back"));
            Assert.That(output, Does.Not.Contain("PING"));
        });
    }

    [Test]
    public void NoTrafficJustBootsAndConnects()
    {
        (string web, string db) = TwoGuests();
        (int exit, string output, string error) = XvifSimCli.Invoke("up", web, db, "--traffic", "none", "--out", Captures);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Contain("up: web: xennet0 connected, 10.0.0.2").And.Contain("up: db: xennet0 connected, 10.0.0.3"));
            Assert.That(output, Does.Not.Contain("PING").And.Not.Contain("UDP"));
            Assert.That(output, Does.Contain("up: PASS"));
        });
    }

    [Test]
    public void AVifsIpIsTheGuestsAddressAndTheOthersAreNumberedAroundIt()
    {
        string first = Cfg("a.cfg", "name = \"a\"\nvif = [ \"ip=10.0.0.3\" ]\n");
        string second = Cfg("b.cfg", "name = \"b\"\nvif = [ \"\" ]\n");
        string third = Cfg("c.cfg", "name = \"c\"\n");
        (int exit, string output, string error) = XvifSimCli.Invoke("up", first, second, third, "--out", Captures);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Contain("a is domain 1, xennet0 10.0.0.3"));
            Assert.That(output, Does.Contain("b is domain 2, xennet0 10.0.0.2"));
            Assert.That(output, Does.Contain("c is domain 3, no vif: not on the network"));
            Assert.That(output, Does.Contain("b: --- 10.0.0.3 ping statistics --- 3 packets transmitted, 3 packets received"));
        });
    }

    [Test]
    public void EveryErrorOfABrokenConfigIsPrintedAsFileLineAndNothingBoots()
    {
        (string web, _) = TwoGuests();
        string bad = Cfg("bad.cfg", "name = web\nmemory = \"lots\"\nvif = [ \"mac=00:16:3e:zz:00:01\" ]\n");
        (int exit, string output, string error) = XvifSimCli.Invoke("up", web, bad, "--out", Captures);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.Match($@"{Regex.Escape(bad)}:1: name: "));
            Assert.That(error, Does.Contain($"{bad}:2: memory: expected a number of MiB"));
            Assert.That(error, Does.Contain($"{bad}:3: vif 0: mac '00:16:3e:zz:00:01' is not a valid MAC address"));
            Assert.That(error, Does.Contain("nothing was started"));
            Assert.That(output, Is.Empty, "nothing booted");
            Assert.That(Directory.Exists(Captures), Is.False, "no captures");
        });
    }

    [Test]
    public void AMissingFileIsAClearErrorAndNothingBoots()
    {
        string missing = Path.Combine(_dir, "nowhere.cfg");
        (int exit, string output, string error) = XvifSimCli.Invoke("up", missing, "--out", Captures);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.Contain($"{missing}: cannot read the file"));
            Assert.That(output, Is.Empty, "nothing booted");
        });
    }

    [Test]
    public void ConflictsBetweenGuestsAndWithThisHostAreErrorsNamingTheFile()
    {
        string one = Cfg("one.cfg", "name = \"twin\"\nvif = [ \"ip=10.0.0.1\" ]\n");
        string two = Cfg("two.cfg", "name = \"twin\"\nvif = [ \"bridge=xenbr0,ip=192.168.0.2\" ]\n");
        string three = Cfg("three.cfg", "name = \"three\"\nvif = [ \"ip=10.0.0.5\" ]\n");
        string four = Cfg("four.cfg", "name = \"four\"\nvif = [ \"ip=10.0.0.5\" ]\n");
        (int exit, string output, string error) = XvifSimCli.Invoke("up", one, two, three, four, "--out", Captures);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.Contain($"{one}:2: vif 0: ip '10.0.0.1' is already taken (dom0's bridge0)"));
            Assert.That(error, Does.Contain($"{two}:1: name 'twin' is already used by {one}:1"));
            Assert.That(error, Does.Contain($"{two}:2: vif 0: bridge 'xenbr0' does not exist: dom0 here has only bridge0"));
            Assert.That(error, Does.Contain($"{two}:2: vif 0: ip '192.168.0.2' is not a host address in bridge0's subnet 10.0.0.0/22"));
            Assert.That(error, Does.Contain($"{four}:2: vif 0: ip '10.0.0.5' is already taken (by another guest)"));
            Assert.That(output, Is.Empty, "nothing booted");
        });
    }

    [Test]
    public void AnUnknownTrafficKindIsAParseError()
    {
        (string web, _) = TwoGuests();
        (int exit, string output, string error) = XvifSimCli.Invoke("up", web, "--traffic", "tcp");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.Contain("'tcp' not recognized"));
            Assert.That(output, Does.Not.Contain("up: dom0"), "nothing booted");
        });
    }

    [Test]
    public void AnOutDirectoryThatCannotBeMadeIsAClearErrorAndNothingBoots()
    {
        (string web, _) = TwoGuests();
        string under = Path.Combine(web, "captures");
        (int exit, string output, string error) = XvifSimCli.Invoke("up", web, "--out", under);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.Contain($"xvifsim up: --out '{under}': cannot use the capture folder"));
            Assert.That(output, Is.Empty, "nothing booted");
        });
    }
}
