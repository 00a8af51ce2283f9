using XvifSim.Host.Toolstack;

namespace XvifSim.Tests.Host.Toolstack;

/// <summary>The xl.cfg subset: what is accepted, and the exact message for each mistake.</summary>
public class XlConfigParserTests
{
    private static XlConfigResult Parse(string text, int seed = 1) => XlConfigParser.Parse("guest1.cfg", text, new Random(seed));

    private static string[] Errors(string text) => [.. Parse(text).Errors.Select(e => e.ToString())];

    [Test]
    public void AFullConfigIsRead()
    {
        XlConfigResult result = Parse("""
            # a NetBSD guest
            name = "guest1"
            memory = 64

            vif = [ 'mac=00:16:3E:AA:bb:01, bridge=bridge1, script=/usr/pkg/etc/xen/scripts/vif-bridge, vifname=xv0, ip=10.0.0.2',
                    "bridge=bridge0",   # the second one takes the defaults but the bridge
                  ]
            """);

        Assert.That(result.Errors, Is.Empty);
        GuestConfig config = result.Config!;
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True);
            Assert.That(result.Warnings, Is.Empty);
            Assert.That(config.Name, Is.EqualTo("guest1"));
            Assert.That(config.MemoryMiB, Is.EqualTo(64));
            Assert.That(config.Vifs, Has.Count.EqualTo(2));
            Assert.That(config.Vifs[0], Is.EqualTo(new VifSpec
            {
                Mac = "00:16:3e:aa:bb:01",
                Bridge = "bridge1",
                Script = "/usr/pkg/etc/xen/scripts/vif-bridge",
                VifName = "xv0",
                Ip = "10.0.0.2",
            }));
            Assert.That(config.Vifs[1].Mac, Does.StartWith("00:16:3e:"), "a missing mac is made up in Xen's OUI");
            Assert.That(config.Vifs[1] with { Mac = null }, Is.EqualTo(new VifSpec { Bridge = "bridge0" }));
        });
    }

    [Test]
    public void DefaultsAreBridge0AndVifBridge()
    {
        GuestConfig config = Parse("name = 'g'\nvif = [ '' ]").Config!;
        Assert.Multiple(() =>
        {
            Assert.That(config.MemoryMiB, Is.Null);
            Assert.That(config.Vifs.Single().Bridge, Is.EqualTo("bridge0"));
            Assert.That(config.Vifs.Single().Script, Is.EqualTo("vif-bridge"));
            Assert.That(config.Vifs.Single().VifName, Is.Null);
            Assert.That(config.Vifs.Single().Ip, Is.Null);
        });
    }

    [Test]
    public void SemicolonsCrlfCommentsAndNoVifsAreFine()
    {
        XlConfigResult result = Parse("name='g'; memory=8 # small\r\n\r\n   # indented comment\r\nvif=[]\r\n");
        Assert.Multiple(() =>
        {
            Assert.That(result.Errors, Is.Empty);
            Assert.That(result.Config!.Name, Is.EqualTo("g"));
            Assert.That(result.Config.MemoryMiB, Is.EqualTo(8));
            Assert.That(result.Config.Vifs, Is.Empty);
        });
    }

    [Test]
    public void XlKeysNotModelledAreListedOnceAndUnknownKeysAreNamedAsUnknown()
    {
        XlConfigResult result = Parse("name = 'g'\nkernel = \"/netbsd\"\nvcpus = 2\nfrobnicate = 1\nvif = [ 'model=e1000, mac=00:16:3e:00:00:01, colour=red' ]\ndisk = [ ]");
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True);
            Assert.That(result.Warnings.Select(w => w.ToString()), Is.EqualTo(new[]
            {
                "guest1.cfg:4: ignoring unknown key 'frobnicate'",
                "guest1.cfg:5: vif 0: ignoring unknown key 'colour'",
                "guest1.cfg:2: not modelled by XvifSim, ignored: kernel, vcpus (line 3), vif 0 model (line 5), disk (line 6)",
            }));
            Assert.That(result.Config!.Vifs.Single().Mac, Is.EqualTo("00:16:3e:00:00:01"));
        });
    }

    [TestCase("name = \"guest1", "guest1.cfg:1: name: unterminated string (no closing \")")]
    [TestCase("name = 'guest1\nmemory = 8", "guest1.cfg:1: name: unterminated string (no closing ')")]
    [TestCase("memory = 8", "guest1.cfg: missing required key 'name'")]
    [TestCase("name = 'a'\nname = 'b'", "guest1.cfg:2: duplicate key 'name' (first set on line 1)")]
    [TestCase("name = 'a'\nvif = [ 'mac=zz:16:3e:00:00:01' ]", "guest1.cfg:2: vif 0: mac 'zz:16:3e:00:00:01' is not a valid MAC address")]
    [TestCase("name = 'a'\nvif = [ 'bridge=bridge0',\n        'mac=00:16:3e:00:01' ]", "guest1.cfg:3: vif 1: mac '00:16:3e:00:01' is not a valid MAC address")]
    [TestCase("name = 'a'\nvif = [ 'mac=' ]", "guest1.cfg:2: vif 0: mac '' is not a valid MAC address")]
    [TestCase("name = 'a'\nvif = [ 'bridge' ]", "guest1.cfg:2: vif 0: 'bridge' is not key=value")]
    [TestCase("name = 'a'\nvif = [ 'bridge=a, bridge=b' ]", "guest1.cfg:2: vif 0: duplicate key 'bridge'")]
    [TestCase("name = 'a'\nvif = [ 'bridge=' ]", "guest1.cfg:2: vif 0: bridge must not be empty")]
    [TestCase("name = 'a'\nvif = [ 'mac=01:16:3e:00:00:01' ]", "guest1.cfg:2: vif 0: mac '01:16:3e:00:00:01' is a multicast address (the low bit of the first octet is set): a vif needs a unicast address")]
    [TestCase("name = 'a'\nvif = [ 'mac=FF:ff:ff:ff:ff:ff' ]", "guest1.cfg:2: vif 0: mac 'FF:ff:ff:ff:ff:ff' is the broadcast address: a vif needs a unicast address")]
    [TestCase("name = 'a'\nvif = [ 'mac=00:00:00:00:00:00' ]", "guest1.cfg:2: vif 0: mac '00:00:00:00:00:00' is all zeros: a vif needs a unicast address")]
    [TestCase("name = 'a'\nvif = [ 'script=vif-route' ]", "guest1.cfg:2: vif 0: script 'vif-route' is not modelled: XvifSim's dom0 runs only vif-bridge")]
    [TestCase("name = 'a'\nvif = [ 'vifname=my vif' ]", "guest1.cfg:2: vif 0: vifname 'my vif' is not an interface name (printable ASCII, no space or '/')")]
    [TestCase("name = 'a'\nvif = [ 'vifname=bridge0' ]", "guest1.cfg:2: vif 0: vifname 'bridge0' is dom0's bridge")]
    [TestCase("name = 'Domain-0'", "guest1.cfg:1: name: 'Domain-0' is dom0's name; xl refuses a name another domain has")]
    [TestCase("name = 'web/1'", "guest1.cfg:1: name: 'web/1' contains '/' or NUL: XvifSim names capture files after the guest")]
    [TestCase("name = 'a'\nvif = [ 'script= ' ]", "guest1.cfg:2: vif 0: script must not be empty")]
    [TestCase("name = 'a'\nvif = [ 'vifname=abcdefghijklmnop' ]", "guest1.cfg:2: vif 0: vifname 'abcdefghijklmnop' is longer than 15 characters (IFNAMSIZ)")]
    [TestCase("name = 'a'\nvif = [ 'ip=10.0.0.300' ]", "guest1.cfg:2: vif 0: ip '10.0.0.300' is not an IP address")]
    [TestCase("name = 'a'\nvif = [ 5 ]", "guest1.cfg:2: vif 0: expected a quoted vif spec, found a number")]
    [TestCase("name = 'a'\nvif = 'bridge=bridge0'", "guest1.cfg:2: vif: expected a list of vif specs in [ ], found a string")]
    [TestCase("name = 5", "guest1.cfg:1: name: expected a quoted string, found a number")]
    [TestCase("name = ''", "guest1.cfg:1: name: must not be empty")]
    [TestCase("name = 'a'\nmemory = \"64\"", "guest1.cfg:2: memory: expected a number of MiB, found a string")]
    [TestCase("name = 'a'\nmemory = 0", "guest1.cfg:2: memory: must be at least 1 (MiB), not 0")]
    [TestCase("name = 'a'\nmemory = -4", "guest1.cfg:2: memory: must be at least 1 (MiB), not -4")]
    [TestCase("name = 'a'\nmemory = 99999999999", "guest1.cfg:2: memory: 99999999999 is out of range")]
    [TestCase("name = 'a'\nmemory = 64M", "guest1.cfg:2: memory: '64M' is neither a number nor a quoted string")]
    [TestCase("name = guest1", "guest1.cfg:1: name: 'guest1' is neither a number nor a quoted string")]
    [TestCase("name 'a'", "guest1.cfg:1: name: expected '=' after the key, found '''")]
    [TestCase("name += 'a'", "guest1.cfg:1: name: expected '=' after the key, found '+'")]
    [TestCase("name = 'a'\n= 5", "guest1.cfg:2: expected a key, found '='")]
    [TestCase("name = 'a'\nmemory =", "guest1.cfg:2: memory: expected a value, found end of file")]
    [TestCase("name = 'a'\nmemory =   # none\n", "guest1.cfg:2: memory: expected a value, found '#'")]
    [TestCase("name = 'a' 'b'", "guest1.cfg:1: name: unexpected ''' after the value")]
    [TestCase("name = 'a'\nvif = [ 'bridge=b',", "guest1.cfg:2: vif: unterminated list (no closing ])")]
    [TestCase("vif = [ 'bridge=b'\nname = 'a'", "guest1.cfg:1: vif: unterminated list (no closing ])")]
    [TestCase("name = 'a'\nvif = [ [ 'bridge=b' ] ]", "guest1.cfg:2: vif: lists cannot be nested")]
    [TestCase("name = 'a'\nvif = [ 'bridge=b' 'bridge=c' ]", "guest1.cfg:2: vif: expected ',' or ']' in the list, found '''")]
    [TestCase("name = 'a'\nvif = [ 'bridge=b', , 'bridge=c' ]", "guest1.cfg:2: vif: expected a value, found ','")]
    [TestCase("name = 'a'\nvif = [ 'bridge=b,\n        'bridge=c' ]", "guest1.cfg:2: vif: unterminated string (no closing ')")]
    public void EachMistakeHasItsOwnMessage(string text, string expected)
    {
        XlConfigResult result = Parse(text);
        Assert.Multiple(() =>
        {
            Assert.That(result.Errors.Select(e => e.ToString()), Is.EqualTo(new[] { expected }));
            Assert.That(result.Config, Is.Null);
            Assert.That(result.Succeeded, Is.False);
        });
    }

    [Test]
    public void EveryErrorInAFileIsReportedNotJustTheFirst()
    {
        string[] errors = Errors("""
            name = "guest1
            memory = lots
            vif = [ 'mac=00:16:3e:00:00:0g',
                    'colour=blue, bridge=' ]
            extra = 'kept as a warning'
            """);

        Assert.That(errors, Is.EqualTo(new[]
        {
            "guest1.cfg:1: name: unterminated string (no closing \")",
            "guest1.cfg:2: memory: 'lots' is neither a number nor a quoted string",
            "guest1.cfg:3: vif 0: mac '00:16:3e:00:00:0g' is not a valid MAC address",
            "guest1.cfg:4: vif 1: bridge must not be empty",
        }));
        Assert.That(Parse("name = 'g'\nmemory = 0\nfrobnicate = 1").Warnings.Single().ToString(), Is.EqualTo("guest1.cfg:3: ignoring unknown key 'frobnicate'"), "warnings are kept when there are errors too");
    }

    [Test]
    public void AListLeftOpenDoesNotSwallowTheSettingsAfterIt()
    {
        XlConfigResult result = Parse("vif = [ 'bridge=b', oops\nname = 'a'\nmemory = 0");
        Assert.That(result.Errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "guest1.cfg:1: vif: 'oops' is neither a number nor a quoted string",
            "guest1.cfg:1: vif: unterminated list (no closing ])",
            "guest1.cfg:3: memory: must be at least 1 (MiB), not 0",
        }));
    }

    [Test]
    public void AMissingFileIsAnErrorNamingIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"xvifsim-no-such-{Guid.NewGuid():N}.cfg");
        XlConfigResult result = XlConfigParser.Load(path, new Random(1));
        Assert.Multiple(() =>
        {
            Assert.That(result.Config, Is.Null);
            Assert.That(result.Errors.Single().ToString(), Does.StartWith($"{path}: cannot read the file: "));
        });
    }

    [Test]
    public void AFileOnDiskIsReadAndNamedInMessages()
    {
        string path = Path.Combine(Path.GetTempPath(), $"xvifsim-{Guid.NewGuid():N}.cfg");
        File.WriteAllText(path, "name = 'g'\nmemory = x\n");
        try
        {
            Assert.That(XlConfigParser.Load(path, new Random(1)).Errors.Single().ToString(), Is.EqualTo($"{path}:2: memory: 'x' is neither a number nor a quoted string"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void NoInputMakesItThrow()
    {
        var random = new Random(2024);
        const string alphabet = "nameoryvif =[]'\",;#\n\r\t:0123456789-+xz\\";
        for (int i = 0; i < 2000; i++)
        {
            char[] text = new char[random.Next(0, 80)];
            for (int j = 0; j < text.Length; j++)
            {
                text[j] = alphabet[random.Next(alphabet.Length)];
            }

            XlConfigResult result = Parse(new string(text));
            Assert.That(result.Succeeded, Is.EqualTo(result.Errors.Count == 0), new string(text));
        }
    }
}
