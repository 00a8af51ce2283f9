using XvifSim.Public;
using XvifSim.Public.Netif;

namespace XvifSim.Tests.Frontend;

/// <summary>
/// Linux netfront's checks on a backend's responses: each violation marks
/// the interface broken with its message, and nothing crashes; RX responses
/// that do not fit the page are rejected without breaking it.
/// </summary>
public class XennetHostileBackendTests
{
    [Test]
    public void MoreTxResponsesThanRequestsBreakTheInterface()
    {
        using var bed = ConnectedWithOneTxRequest(out NetifTxRequest request);
        bed.Backend.RespondTx(request.Id, NetifRsp.Okay);
        TestBackend.WriteRspProd(bed.Backend.Tx!, new RingIndex(5));
        bed.Backend.Kick();
        bed.Settle();
        AssertBroken(bed, "Illegal number of responses 5");
    }

    [Test]
    public void ATxResponseWithAnIdOutOfRangeBreaksTheInterface()
    {
        using var bed = ConnectedWithOneTxRequest(out _);
        bed.Backend.RespondTx(300, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Settle();
        AssertBroken(bed, "Response has incorrect id (300)");
    }

    [Test]
    public void ATxResponseForAnIdNotOutstandingBreaksTheInterface()
    {
        using var bed = ConnectedWithOneTxRequest(out NetifTxRequest request);
        bed.Backend.RespondTx(request.Id, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Settle();
        bed.Send(XennetTestBed.Frame(60));
        bed.Backend.TakeTxRequests();
        bed.Backend.RespondTx(77, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Settle();
        AssertBroken(bed, "Response for inactive request");
    }

    [Test]
    public void ATxResponseWhileTheBackendStillMapsTheGrantBreaksTheInterface()
    {
        using var bed = ConnectedWithOneTxRequest(out NetifTxRequest request);
        (GrantHandle handle, Gfn at) = bed.Backend.MapExtra(request.Gref, readOnly: true);
        bed.Backend.RespondTx(request.Id, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Settle();
        AssertBroken(bed, "Grant still in use by backend domain");

        bed.Backend.Unmap(handle, at);
        bed.CloseBoth();
        Assert.That(bed.Guest.Grants.InUse, Is.Zero, "detach ends the grant once dom0 has let go");
    }

    [Test]
    public void MoreRxResponsesThanBuffersBreakTheInterface()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        TestBackend.WriteRspProd(bed.Backend.Rx!, new RingIndex(257));
        bed.Backend.Kick();
        bed.Settle();
        AssertBroken(bed, "Illegal number of responses 257");
    }

    [Test]
    public void AnRxResponseWithAnIdOutOfRangeBreaksTheInterface()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        bed.Backend.RespondRx(4000, 0, NetRxFlags.None, 60);
        bed.Backend.PushRx();
        bed.Settle();
        AssertBroken(bed, "Response has incorrect id (4000)");
    }

    [Test]
    public void TwoRxResponsesForOneBufferBreakTheInterface()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        bed.Backend.RespondRx(3, 0, NetRxFlags.None, 60);
        bed.Backend.RespondRx(3, 0, NetRxFlags.None, 60);
        bed.Backend.PushRx();
        bed.Settle();
        AssertBroken(bed, "Response for inactive request");
        Assert.That(bed.Received, Has.Count.EqualTo(1), "the first answer was good");
    }

    [Test]
    public void AnRxResponseWhileTheBackendStillMapsTheBufferBreaksTheInterface()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        NetifRxRequest buffer = bed.Backend.TakeRxRequests()[0];
        (GrantHandle handle, Gfn at) = bed.Backend.MapExtra(buffer.Gref, readOnly: false);
        bed.Backend.RespondRx(buffer.Id, 0, NetRxFlags.None, 60);
        bed.Backend.PushRx();
        bed.Settle();
        AssertBroken(bed, "Grant still in use by backend domain");
        Assert.That(bed.Received, Is.Empty, "data the backend can still change is never read");
        bed.Backend.Unmap(handle, at);
    }

    [TestCase((ushort)0, (short)-1, "xennet0: rx->offset: 0, size: -1")]
    [TestCase((ushort)100, (short)4000, "xennet0: rx->offset: 100, size: 4000")]
    public void AnRxResponseThatDoesNotFitThePageIsRejectedAndItsBufferReused(ushort offset, short status, string message)
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        bed.Backend.RespondRx(posted[0].Id, offset, NetRxFlags.None, status);
        bed.Backend.FillRx(posted[1], XennetTestBed.Frame(60), NetRxFlags.None);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.GuestLog, Does.Contain(message));
            Assert.That(bed.Instance.IsBroken, Is.False, "Linux rejects the frame, it does not disable the device");
            Assert.That(bed.Interface.Counters.InErrors, Is.EqualTo(1));
            Assert.That(bed.Instance.Statistics.RxRejected, Is.EqualTo(1));
            Assert.That(bed.Received, Has.Count.EqualTo(1), "the next frame still arrives");
        });
    }

    [Test]
    public void ABrokenInterfaceDropsSendsAndIgnoresTheRings()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        bed.Backend.RespondRx(999, 0, NetRxFlags.None, 60);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.That(bed.Instance.IsBroken, Is.True);

        bed.Backend.FillRx(posted[1], XennetTestBed.Frame(60), NetRxFlags.None);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Send(XennetTestBed.Frame(60)), Is.False);
            Assert.That(bed.Interface.Counters.OutDrops, Is.EqualTo(1));
            Assert.That(bed.Backend.TakeTxRequests(), Is.Empty);
            Assert.That(bed.Received, Is.Empty);
        });

        bed.CloseBoth();
        Assert.That(bed.Machine.Outstanding(), Is.Empty);
        Assert.That(bed.Guest.Grants.InUse, Is.Zero);
    }

    private static XennetTestBed ConnectedWithOneTxRequest(out NetifTxRequest request)
    {
        var bed = new XennetTestBed();
        bed.Connect();
        bed.Send(XennetTestBed.Frame(60));
        request = bed.Backend.TakeTxRequests().Single();
        return bed;
    }

    private static void AssertBroken(XennetTestBed bed, string message)
    {
        Assert.Multiple(() =>
        {
            Assert.That(bed.Instance.BrokenReason, Is.EqualTo(message));
            Assert.That(bed.GuestLog, Does.Contain($"xennet0: {message}"));
            Assert.That(bed.GuestLog, Does.Contain("xennet0: Disabled for further use"));
            Assert.That(bed.GuestDomain.State.ToString(), Is.EqualTo("Running"), "the guest did not crash");
            Assert.That(bed.Send(XennetTestBed.Frame(60)), Is.False, "a broken interface drops sends");
        });
    }
}
