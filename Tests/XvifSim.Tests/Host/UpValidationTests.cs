using System.Text.RegularExpressions;

namespace XvifSim.Tests.Host;

/// <summary>`xvifsim up` checks every guest against xl's rules, each other and this host before anything boots (issue 12, item 2).</summary>
[NonParallelizable]
public class UpValidationTests
{
    private string _dir = "";

    private string Captures => Path.Combine(_dir, "captures");

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("xvifsim-upcheck-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string Cfg(string file, string text)
    {
        string path = Path.Combine(_dir, file);
        File.WriteAllText(path, text);
        return path;
    }

    private (int Exit, string Out, string Err) RefusedWith(string[] files, params string[] errors)
    {
        (int exit, string output, string error) = XvifSimCli.Invoke(["up", .. files, "--out", Captures]);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2), error);
            foreach (string expected in errors)
            {
                Assert.That(error, Does.Contain(expected));
            }

            Assert.That(error, Does.Contain($"xvifsim up: {errors.Length} error{(errors.Length == 1 ? "" : "s")} in the guest configurations; nothing was started"));
            Assert.That(output, Is.Empty, "nothing booted");
            Assert.That(Directory.Exists(Captures), Is.False, "no captures");
        });
        return (exit, output, error);
    }

    [Test]
    public void MacsAVifCannotOwnAreRefusedWithTheirLine()
    {
        string multicast = Cfg("m.cfg", "name = 'm'\nvif = [ 'mac=01:00:5e:00:00:01' ]\n");
        string broadcast = Cfg("b.cfg", "name = 'b'\n\nvif = [ 'mac=ff:ff:ff:ff:ff:ff' ]\n");
        string zero = Cfg("z.cfg", "name = 'z'\nvif = [ 'mac=00:00:00:00:00:00' ]\n");
        RefusedWith([multicast, broadcast, zero],
            $"{multicast}:2: vif 0: mac '01:00:5e:00:00:01' is a multicast address",
            $"{broadcast}:3: vif 0: mac 'ff:ff:ff:ff:ff:ff' is the broadcast address",
            $"{zero}:2: vif 0: mac '00:00:00:00:00:00' is all zeros");
    }

    [Test]
    public void OneMacInTwoFilesIsRefusedNamingBoth()
    {
        string a = Cfg("a.cfg", "name = 'a'\nvif = [ 'mac=00:16:3e:00:00:01' ]\n");
        string b = Cfg("b.cfg", "name = 'b'\nmemory = 64\nvif = [ 'mac=00:16:3E:00:00:01' ]\n");
        RefusedWith([a, b], $"{b}:3: vif 0: mac 00:16:3e:00:00:01 is already used by {a}:2");
    }

    [Test]
    public void NamesXlOrTheCapturesCannotTakeAreRefused()
    {
        string dom0 = Cfg("d.cfg", "name = 'Domain-0'\n");
        string slash = Cfg("s.cfg", "name = 'web/1'\n");
        string longName = Cfg("l.cfg", $"name = '{new string('n', 300)}'\n");
        RefusedWith([dom0, slash, longName],
            $"{dom0}:1: name: 'Domain-0' is dom0's name; xl refuses a name another domain has",
            $"{slash}:1: name: 'web/1' contains '/' or NUL",
            $"{longName}:1: name: is 300 bytes long; at most 240");
    }

    [Test]
    public void AScriptOtherThanVifBridgeIsRefusedByName()
    {
        string route = Cfg("r.cfg", "name = 'r'\nvif = [ 'script=vif-route' ]\n");
        RefusedWith([route], $"{route}:2: vif 0: script 'vif-route' is not modelled: XvifSim's dom0 runs only vif-bridge");
    }

    [Test]
    public void XlKeysNotModelledAreOneWarningAndTheGuestStillBoots()
    {
        string web = Cfg("web.cfg", "name = 'web'\nvcpus = 2\nkernel = '/netbsd'\ndisk = [ 'file:/img,xvda,w' ]\nvif = [ 'model=e1000' ]\n");
        (int exit, string output, string error) = XvifSimCli.Invoke("up", web, "--traffic", "none", "--out", Captures);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(error, Does.Contain($"{web}:2: warning: not modelled by XvifSim, ignored: vcpus, kernel (line 3), disk (line 4), vif 0 model (line 5)"));
            Assert.That(Regex.Matches(error, "not modelled"), Has.Count.EqualTo(1));
            Assert.That(error, Does.Not.Contain("unknown"));
            Assert.That(output, Does.Contain("up: PASS"));
        });
    }

    [Test]
    public void VifnameNamesTheBackendInterfaceItsBridgePortAndItsCapture()
    {
        string web = Cfg("web.cfg", "name = 'web'\nvif = [ 'mac=00:16:3e:12:34:56,vifname=webvif' ]\n");
        string db = Cfg("db.cfg", "name = 'db'\nvif = [ '' ]\n");
        (int exit, string output, string error) = XvifSimCli.Invoke("up", web, db, "--out", Captures);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Contain("webvif: Ethernet address 00:16:3f:12:34:56"));
            Assert.That(output, Does.Contain("vif-bridge: webvif up, added to bridge0"));
            Assert.That(output, Does.Contain("vif-bridge: xvif2i0 up, added to bridge0"), "the default stays xvif<D>i<H>");
            Assert.That(output, Does.Not.Contain("xvif1i0"));
            Assert.That(output, Does.Match(@"dom0/webvif\s+\d+"));
            Assert.That(new FileInfo(Path.Combine(Captures, "up", "dom0.webvif.pcap")).Length, Is.GreaterThan(24));
            Assert.That(output, Does.Contain("up: PASS"));
        });
    }

    [Test]
    public void TwoGuestsWithOneVifnameAreRefused()
    {
        string a = Cfg("a.cfg", "name = 'a'\nvif = [ 'vifname=v0' ]\n");
        string b = Cfg("b.cfg", "name = 'b'\nvif = [ 'vifname=v0' ]\n");
        RefusedWith([a, b], $"{b}:2: vif 0: vifname 'v0' is already used by {a}:2");
    }

    [Test]
    public void EachToolstackLineAppearsOnce()
    {
        string web = Cfg("web.cfg", "name = 'web'\nvif = [ '' ]\n");
        (int exit, string output, _) = XvifSimCli.Invoke("up", web, "--traffic", "none", "--out", Captures);
        string toolstack = output[output.IndexOf("--- toolstack", StringComparison.Ordinal)..];
        string[] lines = toolstack.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            Assert.That(lines.Count(l => l.Contains("vif-bridge: xvif1i0 up, added to bridge0", StringComparison.Ordinal)), Is.EqualTo(1), toolstack);
            Assert.That(lines.Where(l => l.StartsWith("libxl", StringComparison.Ordinal)), Is.Unique);
        });
    }
}
