using XvifSim.Backend;
using XvifSim.Guest.Net;
using XvifSim.Public.Netif;

namespace XvifSim.Tests.Backend;

/// <summary>Dom0 to guest: copies into posted buffers, flags, multi-slot frames, the 512-frame queue, the 1-second watchdog.</summary>
public class XvifRxTests
{
    private XvifHarness _h = null!;
    private TestFrontend _fe = null!;
    private NetworkInterface _vif = null!;

    [TearDown]
    public void Dispose() => _h?.Dispose();

    private void Start(bool threaded = false, XvifOptions? options = null)
    {
        _h = new XvifHarness(threaded, options: options);
        _fe = XvifTxTests.ConnectGuest(_h, "guest1", out _vif, out _);
    }

    private bool Send(byte[] frame, bool checksumBlank = false) => _h.On(_h.Dom0, () => _vif.Send(frame, checksumBlank));

    [TestCase(false)]
    [TestCase(true)]
    public void AFrameLandsInAPostedBuffer(bool threaded)
    {
        Start(threaded);
        _fe.PostRx(4);
        byte[] plain = TestFrontend.Frame(98), blank = TestFrontend.Frame(120, seed: 9);
        Assert.That(Send(plain));
        Assert.That(Send(blank, checksumBlank: true));
        Assert.That(_h.RunUntil(() => _fe.RxPending == 2));
        var rsp = _fe.TakeRx();
        Assert.Multiple(() =>
        {
            Assert.That(rsp[0].Response.Id, Is.EqualTo(0));
            Assert.That(rsp[0].Response.Status, Is.EqualTo(98));
            Assert.That(rsp[0].Response.Offset, Is.EqualTo(0));
            Assert.That(rsp[0].Response.Flags, Is.EqualTo(NetRxFlags.DataValidated));
            Assert.That(rsp[0].Data, Is.EqualTo(plain));
            Assert.That(rsp[1].Response.Flags, Is.EqualTo(NetRxFlags.CsumBlank));
            Assert.That(rsp[1].Data, Is.EqualTo(blank));
            Assert.That(_vif.Counters.OutPackets, Is.EqualTo(2));
            Assert.That(_vif.Counters.OutBytes, Is.EqualTo(218));
        });
    }

    [Test]
    public void A9000ByteFrameTakesThreeSlotsWithMoreData()
    {
        Start();
        _fe.PostRx(3);
        byte[] frame = TestFrontend.Frame(9000);
        Assert.That(Send(frame));
        Assert.That(_h.RunUntil(() => _fe.RxPending == 3));
        var rsp = _fe.TakeRx();
        Assert.Multiple(() =>
        {
            Assert.That(rsp.Select(r => (int)r.Response.Status), Is.EqualTo(new[] { 4096, 4096, 808 }));
            Assert.That(rsp.Select(r => r.Response.Flags), Is.EqualTo(new[]
            {
                NetRxFlags.DataValidated | NetRxFlags.MoreData, NetRxFlags.DataValidated | NetRxFlags.MoreData, NetRxFlags.DataValidated,
            }));
            Assert.That(rsp.SelectMany(r => r.Data).ToArray(), Is.EqualTo(frame));
        });
    }

    [Test]
    public void FramesWaitForBuffersAndGoOnTheNextEvent()
    {
        Start();
        Assert.That(Send(TestFrontend.Frame(60)));
        Assert.That(Send(TestFrontend.Frame(9000)));
        Assert.That(_h.On(_h.Dom0, () => _h.Driver.Instances.Single().RxQueued), Is.EqualTo(2));

        _fe.PostRx(2, notify: true);
        Assert.That(_h.RunUntil(() => _fe.RxPending == 1), "the small frame goes; the big one waits for 3 slots");
        _h.RunFor(TimeSpan.FromMilliseconds(10));
        Assert.That(_fe.RxPending, Is.EqualTo(1));
        _fe.PostRx(2, notify: true);
        Assert.That(_h.RunUntil(() => _fe.RxPending == 4));
        Assert.That(_fe.TakeRx().Select(r => (int)r.Response.Status), Is.EqualTo(new[] { 60, 4096, 4096, 808 }));
    }

    [Test]
    public void TheWatchdogSendsQueuedFramesAfterASecond()
    {
        Start();
        Assert.That(Send(TestFrontend.Frame(60)));
        _h.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.That(_h.On(_h.Dom0, () => _h.Driver.Instances.Single().RxQueued), Is.EqualTo(1), "the soft interrupt found no buffer");
        _fe.PostRx(1, notify: false);
        _h.RunFor(TimeSpan.FromMilliseconds(900));
        Assert.That(_fe.RxPending, Is.EqualTo(0), "no event, no watchdog yet");
        _h.RunFor(TimeSpan.FromMilliseconds(200));
        Assert.That(_fe.RxPending, Is.EqualTo(1), "sent by the 1-second watchdog");
        Assert.That(_h.Machine.Outstanding().Any(o => o.Contains("virq", StringComparison.Ordinal)), Is.False, "VIRQ_TIMER released when nothing waits");
    }

    /// <summary>
    /// NetBSD's deferred start: frames the stack hands over in one run of
    /// dom0's work (a broadcast the bridge copies to every vif, a TX budget's
    /// worth) wait in the queue and go to the guest together once that work
    /// returns, in one batch of copies, rather than one copy and one event each.
    /// </summary>
    [Test]
    public void FramesHandedOverInOneRunGoToTheGuestOnceItReturns()
    {
        Start();
        _fe.PostRx(8);
        byte[] frame = TestFrontend.Frame(60);
        (int Accepted, uint InRingMeanwhile) during = _h.On(_h.Dom0, () => (Enumerable.Range(0, 8).Count(_ => _vif.Send(frame)), _fe.RxPending));
        Assert.That(during, Is.EqualTo((8, 0u)), "queued while dom0's work runs");
        Assert.That(_h.RunUntil(() => _fe.RxPending == 8), "all 8 in the ring once it returned");
    }

    [Test]
    public void WithRxNotifyReqEventPostingBuffersWakesTheBackendAtOnce()
    {
        Start(options: XvifOptions.Parse("rx-notify=req-event"));
        Assert.That(Send(TestFrontend.Frame(60)));
        Assert.That(Send(TestFrontend.Frame(9000)));

        // No forced notify: the ring's req_event, which xvif set when it ran out, asks for it.
        _fe.PostRx(1);
        Assert.That(_h.Machine.Scheduler.RunUntil(() => _fe.RxPending == 1, TimeSpan.FromMilliseconds(10)), "sent on the frontend's event, not the watchdog");
        _fe.PostRx(2);
        _h.RunFor(TimeSpan.FromMilliseconds(10));
        Assert.That(_fe.RxPending, Is.EqualTo(1), "2 of the 3 slots the big frame needs: no event yet");
        _fe.PostRx(1);
        Assert.That(_h.Machine.Scheduler.RunUntil(() => _fe.RxPending == 4, TimeSpan.FromMilliseconds(10)), "req_event was req_prod + 1: the third slot notifies");
        Assert.That(_fe.TakeRx().Select(r => (int)r.Response.Status), Is.EqualTo(new[] { 60, 4096, 4096, 808 }));
    }

    [Test]
    public void ByDefaultPostingBuffersDoesNotWakeTheBackend()
    {
        Start();
        _fe.PostRx(1);
        Assert.That(Send(TestFrontend.Frame(60)), "goes into the one buffer at once");
        Assert.That(Send(TestFrontend.Frame(60)), "waits");
        _fe.PostRx(1);
        Assert.That(_fe.LastRxPushWantedNotify, Is.False, "NetBSD never sets the RX req_event after the first push: the frontend does not notify");
        Assert.That(_h.Machine.Scheduler.RunUntil(() => _fe.RxPending == 2, TimeSpan.FromSeconds(1.1)), "the 1-second watchdog sends the waiting frame");
    }

    [Test]
    public void TheQueueHolds512FramesAndCountsTheRestAsDrops()
    {
        Start();
        byte[] frame = TestFrontend.Frame(60);
        int accepted = _h.On(_h.Dom0, () => Enumerable.Range(0, 520).Count(_ => _vif.Send(frame)));
        Assert.Multiple(() =>
        {
            Assert.That(accepted, Is.EqualTo(XvifInstance.RxQueueLength));
            Assert.That(_vif.Counters.OutDrops, Is.EqualTo(8));
            Assert.That(_vif.Counters.OutPackets, Is.EqualTo(512));
        });

        _fe.PostRx(256, notify: true);
        Assert.That(_h.RunUntil(() => _fe.RxPending == 256));
        Assert.That(_fe.TakeRx(), Has.All.Matches<(NetifRxResponse Response, byte[] Data)>(r => r.Response.Status == 60));
        Assert.That(_h.On(_h.Dom0, () => _h.Driver.Instances.Single().RxQueued), Is.EqualTo(256));
    }

    [Test]
    public void FramesQueuedWhenTheVifIsDetachedGoBackToDom0sPool()
    {
        Start();
        int before = _h.On(_h.Dom0, () => _h.Dom0.Packets.BuffersInUse);
        Assert.That(_h.On(_h.Dom0, () => Enumerable.Range(0, 20).Count(i => _vif.Send(TestFrontend.Frame(i % 2 == 0 ? 60 : 9000)))), Is.EqualTo(20));
        Assert.That(_h.On(_h.Dom0, () => (_h.Dom0.Packets.BuffersInUse, _h.Driver.Instances.Single().RxQueued)), Is.EqualTo((before + 20, 20)), "the queue holds the buffers themselves");

        _fe.SetState(5);
        _fe.SetState(6);
        Assert.That(_h.WaitForLog("xvif1i0: disconnecting"));
        Assert.Multiple(() =>
        {
            Assert.That(_h.On(_h.Dom0, () => _h.Dom0.Packets.BuffersInUse), Is.EqualTo(before), "no queued frame leaks");
            Assert.That(_h.On(_h.Dom0, () => _h.Dom0.Packets.ClustersInUse), Is.Zero);
        });
    }

    [Test]
    public void AJumboFrameIsCopiedFromItsClustersIntoThreePostedPages()
    {
        Start();
        _fe.PostRx(4);
        byte[] frame = TestFrontend.Frame(9000, seed: 4);
        Assert.That(Send(frame));
        Assert.That(_h.RunUntil(() => _fe.RxPending == 3));
        var rsp = _fe.TakeRx();
        Assert.Multiple(() =>
        {
            Assert.That(rsp.Select(r => (int)r.Response.Status), Is.EqualTo(new[] { 4096, 4096, 808 }));
            Assert.That(rsp.SelectMany(r => r.Data).ToArray(), Is.EqualTo(frame), "the five clusters' bytes land in order across the pages");
            Assert.That(_h.On(_h.Dom0, () => _h.Dom0.Packets.BuffersInUse), Is.Zero, "the buffer is freed once copied");
        });
    }
}
