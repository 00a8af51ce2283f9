using XvifSim.Frontend;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Tests.Frontend;

/// <summary>
/// Suspend and resume (docs/reference/netbsd-xvif-xennet.md, "xennet: suspend and detach", "xennet: resume and ring set-up") against a hand-played backend
/// that is replaced meanwhile, and the RX-refill fault-injection hook.
/// </summary>
public class XennetLifecycleTests
{
    private static bool Suspend(XennetTestBed bed)
    {
        bool? done = null;
        bed.Guest.Run(async () => done = await bed.Instance.SuspendAsync());
        bed.RunUntil(() => done is not null);
        return done == true;
    }

    [Test]
    public void APausedRefillLeavesFreedBuffersUnpostedUntilItIsResumed()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        bed.OnGuest(bed.Instance.PauseRxRefill);
        for (int i = 0; i < 204; i++)
        {
            bed.Backend.FillRx(posted[i], XennetTestBed.Frame(60, (byte)i), NetRxFlags.None);
        }

        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Received, Has.Count.EqualTo(204), "responses are still consumed");
            Assert.That(bed.Backend.Rx!.ReadReqProd(), Is.EqualTo(new RingIndex(256)), "204 free, but no refill while paused");
            Assert.That(bed.Instance.RxPosted, Is.EqualTo(52));
        });

        bed.OnGuest(bed.Instance.ResumeRxRefill);
        Assert.Multiple(() =>
        {
            Assert.That(bed.Instance.RxRefillPaused, Is.False);
            Assert.That(bed.Backend.Rx!.ReadReqProd(), Is.EqualTo(new RingIndex(256 + 204)), "every free buffer posted at once");
            Assert.That(bed.Backend.TakeRxRequests().Select(r => bed.Guest.Grants.Flags(r.Gref) & GtfFlags.PermitAccess), Has.All.EqualTo(GtfFlags.PermitAccess));
        });
    }

    [Test]
    public void SuspendWaitsForTxResponsesDropsThePortAndKeepsTheRxBuffersGranted()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> rx = bed.Backend.TakeRxRequests();
        Assert.That(bed.Send(XennetTestBed.Frame(100)), Is.True);
        NetifTxRequest tx = bed.Backend.TakeTxRequests().Single();

        bool? done = null;
        bed.Guest.Run(async () => done = await bed.Instance.SuspendAsync());
        bed.Machine.Scheduler.RunFor(TimeSpan.FromSeconds(1));
        bool? sent = null;
        bed.Guest.Run(() => sent = bed.Interface.Send(XennetTestBed.Frame(60)));
        bed.Machine.Scheduler.RunFor(TimeSpan.FromMilliseconds(100));
        Assert.Multiple(() =>
        {
            Assert.That(done, Is.Null, "suspend waits (in 0.5-second polls) while a TX request is unanswered");
            Assert.That(sent, Is.False, "nothing is sent once suspending");
        });

        bed.Backend.RespondTx(tx.Id, NetifRsp.Okay);
        bed.Backend.PushTx();
        Assert.That(bed.RunUntil(() => done is not null), Is.True, "suspend ends once TX is answered");
        Assert.Multiple(() =>
        {
            Assert.That(done, Is.True);
            Assert.That(bed.Instance.Status, Is.EqualTo(XennetBackendStatus.Suspended));
            Assert.That(bed.Instance.TxOutstanding, Is.Zero, bed.ConsoleText);
            Assert.That(bed.Instance.EventChannel, Is.Null, "the other end's details are dropped");
            Assert.That(bed.GuestLog, Has.Some.Match(@"^xennet0: removed event channel \d+$"));
            Assert.That(rx.Select(r => bed.Guest.Grants.Flags(r.Gref) & GtfFlags.PermitAccess), Has.All.EqualTo(GtfFlags.PermitAccess), "dom0 may still use the RX grants");
            Assert.That(bed.Interface.IsRunning, Is.False);
        });
    }

    [Test]
    public void ResumeReconnectsWithFreshRingsToAReplacedBackendAndTheSameInterface()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        int heldWhenConnected = bed.Machine.Outstanding().Count;
        var iface = bed.Interface;
        Assert.That(Suspend(bed), Is.True);

        // The toolstack replaces the backend: the old one lets go and closes;
        // the suspended guest does not react (it is not running).
        bed.Backend.Disconnect();
        bed.Backend.SetState(6);
        bed.Settle();
        Assert.That(bed.Driver!.Instances, Has.Count.EqualTo(1), "a suspended frontend does not detach on its backend's Closed");
        bed.Backend.SetState(1);
        bed.Backend.Offer(sg: true);

        bool? resumed = null;
        bed.Guest.Run(async () => resumed = await bed.Instance.ResumeAsync());
        Assert.That(bed.RunUntil(() => resumed is not null && bed.FrontendState == "4"), Is.True, () => $"resume reaches Connected (state {bed.FrontendState}):\n{bed.ConsoleText}");
        Assert.Multiple(() =>
        {
            Assert.That(resumed, Is.True);
            Assert.That(bed.Backend.FrontendKey("tx-ring-ref"), Is.EqualTo($"{bed.Instance.TxRingRef!.Value.Value}"));
            Assert.That(bed.Backend.FrontendKey("event-channel"), Is.EqualTo($"{bed.Instance.EventChannel!.Value.Value}"));
        });

        bed.Backend.Connect();
        bed.Settle();
        List<NetifRxRequest> reposted = bed.Backend.TakeRxRequests();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Instance.Status, Is.EqualTo(XennetBackendStatus.Connected));
            Assert.That(bed.Interface, Is.SameAs(iface), "the interface, its MAC and counters stay");
            Assert.That(bed.Interface.IsRunning, Is.True);
            Assert.That(reposted.Select(r => (int)r.Id), Is.EqualTo(Enumerable.Range(0, 256)), "a fresh ring with every buffer reposted");
            Assert.That(bed.Machine.Outstanding(), Has.Count.EqualTo(heldWhenConnected), "the old grants and port were ended, not leaked");
        });

        byte[] frame = XennetTestBed.Frame(200, 5);
        bed.Backend.FillRx(reposted[0], frame, NetRxFlags.DataValidated);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Received[^1], Is.EqualTo(frame), "RX works on the new rings");
            Assert.That(bed.Send(XennetTestBed.Frame(80)), Is.True);
            Assert.That(bed.Backend.TakeTxRequests(), Has.Count.EqualTo(1), "TX works on the new rings");
        });
    }

    [Test]
    public void ResumeRefusesToReuseARingPageTheOldBackendStillMaps()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        Assert.That(Suspend(bed), Is.True);
        bool? resumed = null;
        bed.Guest.Run(async () => resumed = await bed.Instance.ResumeAsync());
        bed.RunUntil(() => resumed is not null);
        Assert.Multiple(() =>
        {
            Assert.That(resumed, Is.False);
            Assert.That(bed.Instance.IsBroken, Is.True);
            Assert.That(bed.GuestLog, Has.Some.Contains("Grant still in use by backend domain at resume"));
        });
        bed.Backend.Disconnect();
    }

    [Test]
    public void OnlyAConnectedFrontendSuspendsAndOnlyASuspendedOneResumes()
    {
        using var bed = new XennetTestBed();
        bed.Backend.SetState(1); // no InitWait: the frontend stays Initialised
        bed.StartGuest();
        Assert.That(bed.RunUntil(() => bed.Driver!.Instances.Count == 1), Is.True);
        Assert.That(Suspend(bed), Is.False, "not connected yet");
        bool? resumed = null;
        bed.Guest.Run(async () => resumed = await bed.Instance.ResumeAsync());
        bed.RunUntil(() => resumed is not null);
        Assert.That(resumed, Is.False, bed.ConsoleText);
    }
}
