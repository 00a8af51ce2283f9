using XvifSim.Backend;
using XvifSim.Guest.Net;

namespace XvifSim.Tests.Backend;

/// <summary>Create at state 1: name, MAC rule, the three diagnostics, the handshake keys, and a clean retry after an error.</summary>
public class XvifAttachTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void AVifAtState1GetsItsInterfaceKeysAndInitWait(bool threaded)
    {
        using var h = new XvifHarness(threaded);
        var guest = h.AddGuest("guest1");
        h.WriteVif(guest.Domain.Id, 0);
        string be = XvifHarness.BackendDir(guest.Domain.Id, 0);

        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 2), "InitWait");
        NetworkInterface? vif = h.Interface("xvif1i0");
        Assert.Multiple(() =>
        {
            Assert.That(vif, Is.Not.Null);
            Assert.That(vif!.Mac.ToString(), Is.EqualTo("00:16:3f:12:34:56"), "the man page's rule: third byte + 1");
            Assert.That(h.Dom0Log, Does.Contain("xvif1i0: Ethernet address 00:16:3f:12:34:56"));
            Assert.That(h.Read($"{be}/vifname"), Is.EqualTo("xvif1i0"));
            Assert.That(h.Read($"{be}/feature-rx-copy"), Is.EqualTo("1"));
            Assert.That(h.Read($"{be}/feature-ipv6-csum-offload"), Is.EqualTo("1"));
            Assert.That(h.Read($"{be}/feature-sg"), Is.EqualTo("1"));
            Assert.That(vif.IsRunning, Is.False, "not connected yet");
        });
    }

    [TestCase("00:16:3e:12:34:56", MacRule.ManPage, "00:16:3f:12:34:56")]
    [TestCase("00:16:ff:12:34:56", MacRule.ManPage, "00:16:00:12:34:56")]
    [TestCase("00:16:3e:12:34:56", MacRule.Driver, "00:16:3e:13:34:56")]
    [TestCase("00:16:3e:ff:34:56", MacRule.Driver, "00:16:3e:00:34:56")]
    [TestCase("00:16:3E:AB:CD:EF", MacRule.ManPage, "00:16:3f:ab:cd:ef")]
    public void TheMacRuleIncrementsOneOctetWithoutCarry(string guestMac, MacRule rule, string expected)
    {
        Assert.That(XvifMac.TryParse(guestMac, out MacAddress mac));
        Assert.That(XvifMac.Derive(mac, rule).ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void OptionsParseBothKeysAndNameWhatWasWrong()
    {
        XvifOptions options = XvifOptions.Parse("rx-notify=req-event, mac-rule=driver");
        Assert.Multiple(() =>
        {
            Assert.That(options.RxNotify, Is.EqualTo(RxNotify.ReqEvent));
            Assert.That(options.MacRule, Is.EqualTo(MacRule.Driver));
            Assert.That(XvifOptions.Parse("").RxNotify, Is.EqualTo(RxNotify.Watchdog), "NetBSD's behaviour is the default");
            Assert.That(XvifOptions.Parse("rx-notify=watchdog").RxNotify, Is.EqualTo(RxNotify.Watchdog));
            Assert.That(() => XvifOptions.Parse("rx-notify=always"), Throws.TypeOf<FormatException>()
                .With.Message.EqualTo("xvif: unknown option 'rx-notify=always' (expected mac-rule=man-page|driver or rx-notify=watchdog|req-event)"));
        });
    }

    [Test]
    public void TheDriverRuleIsAnOptionOfTheBackend()
    {
        XvifOptions options = XvifOptions.Parse("mac-rule=driver");
        Assert.That(options.MacRule, Is.EqualTo(MacRule.Driver));
        Assert.That(XvifOptions.Parse("").MacRule, Is.EqualTo(MacRule.ManPage), "the man page's rule is the default");
        Assert.That(XvifOptions.Parse("mac-rule=man-page").MacRule, Is.EqualTo(MacRule.ManPage));
        Assert.Throws<FormatException>(() => XvifOptions.Parse("mac-rule=fourth"));

        using var h = new XvifHarness(options: options);
        var guest = h.AddGuest("guest1");
        h.WriteVif(guest.Domain.Id, 0);
        Assert.That(h.WaitForLog("xvif1i0: Ethernet address 00:16:3e:13:34:56"), string.Join('\n', h.Dom0Log));
    }

    [TestCase("00:16:3e:12:34")]
    [TestCase("00:16:3e:12:34:56:78")]
    [TestCase("00-16-3e-12-34-56")]
    [TestCase("00:16:3e:12:34:5g")]
    [TestCase("00:16:3e:123:4:56")]
    [TestCase("01:00:5e:00:00:01")]
    [TestCase("ff:ff:ff:ff:ff:ff")]
    [TestCase("00:00:00:00:00:00")]
    [TestCase("")]
    public void ABadMacIsReportedAndTheFixedKeyIsRetried(string bad)
    {
        using var h = new XvifHarness();
        var guest = h.AddGuest("guest1");
        h.WriteVif(guest.Domain.Id, 0, mac: bad);
        AssertFailedCleanly(h, $"xvif1i0: {bad} is not a valid mac address");

        // The toolstack fixes the key: the change under backend re-runs the probe.
        h.Write($"{XvifHarness.BackendDir(guest.Domain.Id, 0)}/mac", XvifHarness.GuestMac, ["n0", "r1"]);
        Assert.That(h.WaitForLog("xvif1i0: Ethernet address 00:16:3f:12:34:56"), string.Join('\n', h.Dom0Log));
        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 2));
        Assert.That(h.Interface("xvif1i0"), Is.Not.Null);
    }

    [Test]
    public void AMissingMacIsReportedWithENOENTAndRetriedWhenWritten()
    {
        using var h = new XvifHarness();
        var guest = h.AddGuest("guest1");
        h.WriteVif(guest.Domain.Id, 0, mac: null);
        AssertFailedCleanly(h, "xvif1i0: can't read backend/vif/1/0/mac: 2");

        // Any later change under backend retries; rewriting state=1 is what a toolstack would do.
        h.Write($"{XvifHarness.BackendDir(guest.Domain.Id, 0)}/mac", XvifHarness.GuestMac, ["n0", "r1"]);
        h.Write($"{XvifHarness.BackendDir(guest.Domain.Id, 0)}/state", "1", ["n0", "r1"]);
        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 2), string.Join('\n', h.Dom0Log));
        Assert.That(h.Interface("xvif1i0")?.Mac.ToString(), Is.EqualTo("00:16:3f:12:34:56"));
        Assert.That(h.Dom0Log.Count(l => l.Contains("Ethernet address", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public void ABrokenVifDoesNotStopAHealthyOne()
    {
        using var h = new XvifHarness();
        var bad = h.AddGuest("bad");
        var good = h.AddGuest("good");
        h.WriteVif(bad.Domain.Id, 0, mac: "nonsense");
        h.WriteVif(good.Domain.Id, 0);
        Assert.That(h.WaitForBackendState(good.Domain.Id, 0, 2), string.Join('\n', h.Dom0Log));
        Assert.That(h.Dom0Log, Does.Contain("xvif1i0: nonsense is not a valid mac address"));
        Assert.That(h.Interface("xvif2i0"), Is.Not.Null);
        Assert.That(h.Interface("xvif1i0"), Is.Null);
    }

    [Test]
    public void ADirectoryNotAtState1IsLeftAlone()
    {
        using var h = new XvifHarness();
        var guest = h.AddGuest("guest1");
        h.WriteVif(guest.Domain.Id, 0, backendState: false);
        h.Write($"{XvifHarness.BackendDir(guest.Domain.Id, 0)}/state", "3", ["n0", "r1"]);
        h.RunFor(TimeSpan.FromMilliseconds(100));
        Assert.That(h.Interface("xvif1i0"), Is.Null);
        Assert.That(h.Dom0Log.Any(l => l.Contains("Ethernet address", StringComparison.Ordinal)), Is.False);
    }

    private static void AssertFailedCleanly(XvifHarness h, string diagnostic)
    {
        string be = XvifHarness.BackendDir(new XvifSim.Public.DomId(1), 0);
        Assert.That(h.WaitForLog(diagnostic), string.Join('\n', h.Dom0Log));
        h.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.Multiple(() =>
        {
            Assert.That(h.Interface("xvif1i0"), Is.Null, "no interface after an error");
            Assert.That(h.Read($"{be}/vifname"), Is.Null, "nothing written");
            Assert.That(h.Read($"{be}/feature-rx-copy"), Is.Null, "nothing written");
            Assert.That(h.Read($"{be}/state"), Is.EqualTo("1"));
            Assert.That(h.Dom0Log.Any(l => l.Contains("Ethernet address", StringComparison.Ordinal)), Is.False);
            Assert.That(h.Driver.Instances, Is.Empty);
        });
    }
}
