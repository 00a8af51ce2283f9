using XvifSim.Frontend;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Tests.Frontend;

/// <summary>Attach, ring set-up and the handshake (docs/reference/netbsd-xvif-xennet.md, "xennet: attach" to "xennet: handshake").</summary>
public class XennetHandshakeTests
{
    [Test]
    public void AttachLogsTheMacInLowerCaseAndTheBackendFeatures()
    {
        using var bed = new XennetTestBed();
        bed.StartGuest();
        Assert.Multiple(() =>
        {
            Assert.That(bed.GuestLog, Does.Contain("xennet0 at xenbus0 id 0: Xen Virtual Network Interface"));
            Assert.That(bed.GuestLog, Does.Contain("xennet0: backend features 0x7<IPV6-CSUM,SG,RX-COPY>"));
            Assert.That(bed.GuestLog, Does.Contain("xennet0: MAC address 00:16:3e:0a:0b:0c"));
            Assert.That(bed.Guest.Interfaces.Find("xennet0")?.Mac.ToString(), Is.EqualTo("00:16:3e:0a:0b:0c"));
        });
    }

    [Test]
    public void AFeatureCountsOnlyIfItIsExactlyOne()
    {
        using var bed = new XennetTestBed(sg: false);
        bed.StartGuest();
        Assert.That(bed.GuestLog, Does.Contain("xennet0: backend features 0x5<IPV6-CSUM,RX-COPY>"));
    }

    [Test]
    public void FeaturesWrittenAfterAttachAreReadAtConnectAsLinuxNetfrontDoes()
    {
        using var bed = new XennetTestBed(offerAtStart: false);
        bed.StartGuest();
        Assert.That(bed.RunUntil(() => bed.Driver!.Instances.Count == 1), Is.True, bed.ConsoleText);
        Assert.That(bed.Instance.BackendFeatures, Is.EqualTo(XennetFeatures.None), "nothing offered yet at attach");

        bed.Backend.Offer(sg: true);
        Assert.That(bed.RunUntil(() => bed.FrontendState == "4"), Is.True, bed.ConsoleText);
        bed.Backend.Connect();
        bed.Settle();
        bed.OnGuest(() => bed.Interface.IsUp = true);

        Assert.Multiple(() =>
        {
            Assert.That(bed.GuestLog, Does.Contain("xennet0: backend features 0x0"));
            Assert.That(bed.GuestLog, Does.Contain("xennet0: backend features 0x7<IPV6-CSUM,SG,RX-COPY> at connect"));
            Assert.That(bed.Instance.BackendFeatures, Is.EqualTo(XennetFeatures.RxCopy | XennetFeatures.ScatterGather | XennetFeatures.Ipv6CsumOffload));
            Assert.That(bed.Send(XennetTestBed.Frame(9000)), Is.True, "a jumbo frame goes out as a chain, with the feature-sg read at connect");
        });
    }

    [Test]
    public void ABadMacEndsAttachWithNoInterface()
    {
        using var bed = new XennetTestBed(mac: "00:16:3e:0a:0b");
        bed.Boot();
        bed.RunUntil(() => bed.GuestLog.Any(l => l.Contains("not a valid mac address", StringComparison.Ordinal)));
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.GuestLog, Does.Contain("xennet0: 00:16:3e:0a:0b is not a valid mac address"));
            Assert.That(bed.Guest.Interfaces.All, Is.Empty);
            Assert.That(bed.Guest.Pages.InUse, Is.Zero);
            Assert.That(bed.FrontendState, Is.EqualTo("1"));
        });
    }

    [Test]
    public void StatesGoInitialisingInitialisedConnectedAndTheKeysAppearInOneTransaction()
    {
        using var bed = new XennetTestBed();
        string[] keys = ["vifname", "tx-ring-ref", "rx-ring-ref", "request-rx-copy", "feature-rx-notify", "feature-ipv6-csum-offload", "feature-sg", "event-channel"];
        var states = new List<string?> { bed.FrontendState };
        var partial = new List<string>();
        bool Observe()
        {
            string? state = bed.FrontendState;
            if (state != states[^1])
            {
                states.Add(state);
            }

            int present = keys.Count(k => bed.Backend.FrontendKey(k) is not null);
            if (present is not 0 && present != keys.Length)
            {
                partial.Add($"{present} of {keys.Length} keys visible in state {state}");
            }

            return state == "4";
        }

        bed.Boot();
        Assert.That(bed.RunUntil(Observe), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(states, Is.EqualTo(new[] { "1", "3", "4" }));
            Assert.That(partial, Is.Empty, "the keys are written in one transaction");
            Assert.That(bed.Backend.FrontendKey("vifname"), Is.EqualTo("xennet0"));
            Assert.That(bed.Backend.FrontendKey("request-rx-copy"), Is.EqualTo("1"));
            Assert.That(bed.Backend.FrontendKey("feature-rx-notify"), Is.EqualTo("1"));
            Assert.That(bed.Backend.FrontendKey("feature-ipv6-csum-offload"), Is.EqualTo("1"));
            Assert.That(bed.Backend.FrontendKey("feature-sg"), Is.EqualTo("1"));
        });
    }

    [Test]
    public void TheRingRefsGrantTheRingPagesReadWriteToDom0AndThePortIsOfferedToIt()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        XennetInstance xennet = bed.Instance;
        Assert.Multiple(() =>
        {
            Assert.That(bed.Backend.FrontendKey("tx-ring-ref"), Is.EqualTo(xennet.TxRingRef!.Value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(bed.Backend.FrontendKey("rx-ring-ref"), Is.EqualTo(xennet.RxRingRef!.Value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(bed.Backend.FrontendKey("event-channel"), Is.EqualTo(xennet.EventChannel!.Value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(bed.Guest.Grants.Flags(xennet.TxRingRef!.Value) & GtfFlags.Readonly, Is.EqualTo(GtfFlags.Invalid));
            Assert.That(xennet.Status, Is.EqualTo(XennetBackendStatus.Connected));
            Assert.That(bed.Interface.IsRunning, Is.True);
        });
    }

    [Test]
    public void BackendClosingGivesClosedAndTeardownLeavesNothingHeld()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        bed.Send(XennetTestBed.Frame(100));
        bed.CloseBoth();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Guest.Grants.InUse, Is.Zero);
            Assert.That(bed.Guest.Pages.InUse, Is.Zero);
            Assert.That(bed.Guest.Interfaces.All, Is.Empty);
            Assert.That(bed.Machine.Outstanding(), Is.Empty);
            Assert.That(bed.GuestLog, Has.None.Contains("still in use"));
        });
    }

    [Test]
    public void TeardownWhileTheBackendStillMapsARingReportsIt()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        bed.Backend.SetState(5);
        Assert.That(bed.RunUntil(() => bed.FrontendState == "6"), Is.True);
        bed.Backend.SetState(6);
        Assert.That(bed.RunUntil(() => bed.Driver!.Instances.Count == 0), Is.True);
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Guest.Grants.InUse, Is.EqualTo(2), "the two ring grants stay while dom0 maps them");
            Assert.That(bed.GuestLog.Any(l => l.StartsWith("xennet0: detached with 2 grants still in use by backend domain 0", StringComparison.Ordinal)), Is.True);
        });
        bed.Backend.Disconnect();
        bed.Settle();
        Assert.That(bed.Machine.Outstanding(), Is.Empty);
    }

    [TestCase(0)]
    [TestCase(7)]
    [TestCase(8)]
    public void AnUnexpectedBackendStateIsLoggedAndIgnored(int state)
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        bed.Backend.SetState(state);
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.GuestLog, Does.Contain($"xennet0: bad backend state {state}"));
            Assert.That(bed.FrontendState, Is.EqualTo("4"));
            Assert.That(bed.GuestDomain.State.ToString(), Is.EqualTo("Running"));
        });
    }
}
