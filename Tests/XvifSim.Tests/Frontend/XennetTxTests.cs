using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Netif;

namespace XvifSim.Tests.Frontend;

/// <summary>TX (docs/reference/netbsd-xvif-xennet.md, "xennet: TX"): requests, grants, chains, completions and the event threshold.</summary>
public class XennetTxTests
{
    [TestCase(false, NetTxFlags.DataValidated)]
    [TestCase(true, NetTxFlags.CsumBlank)]
    public void AFrameGoesOutAsOneReadOnlySlotAndItsCompletionEndsTheGrant(bool offload, NetTxFlags expected)
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        byte[] frame = XennetTestBed.Frame(1500);
        int eventsBefore = bed.Backend.EventsReceived;
        Assert.That(bed.Send(frame, offload), Is.True);

        List<NetifTxRequest> requests = bed.Backend.TakeTxRequests();
        Assert.That(requests, Has.Count.EqualTo(1));
        NetifTxRequest request = requests[0];
        Assert.Multiple(() =>
        {
            Assert.That(request.Id, Is.Zero);
            Assert.That(request.PacketSize, Is.EqualTo(1500));
            Assert.That(request.Offset, Is.EqualTo(PacketPool.LeadingSpace), "the buffer's page is granted where the frame lies in it");
            Assert.That(request.Flags, Is.EqualTo(expected));
            Assert.That(bed.Guest.Grants.Flags(request.Gref) & GtfFlags.Readonly, Is.EqualTo(GtfFlags.Readonly));
            Assert.That(bed.Backend.CopyOut(request, 1500), Is.EqualTo(frame));
            Assert.That(bed.Backend.EventsReceived, Is.EqualTo(eventsBefore + 1), "req_event was 1: the frontend notifies");
        });

        int granted = bed.Guest.Grants.InUse;
        bed.Backend.RespondTx(request.Id, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Guest.Grants.InUse, Is.EqualTo(granted - 1), "the TX grant is ended");
            Assert.That(bed.Interface.Counters.OutPackets, Is.EqualTo(1));
            Assert.That(bed.Interface.Counters.OutErrors, Is.Zero);
            Assert.That(bed.Instance.IsBroken, Is.False);
        });
    }

    [Test]
    public void AJumboFrameIsAThreeSlotChainWithScatterGather()
    {
        using var bed = new XennetTestBed(sg: true);
        bed.Connect();
        byte[] frame = XennetTestBed.Frame(9000);
        Assert.That(bed.Send(frame, checksumBlank: true), Is.True);

        List<NetifTxRequest> requests = bed.Backend.TakeTxRequests();
        Assert.That(requests, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            // Five clusters, two a page: a page piece each (the first from
            // ETHER_ALIGN on), split where the frame crosses a page boundary.
            Assert.That(requests.Select(r => r.PacketSize), Is.EqualTo(new ushort[] { 9000, 4096, 810 }));
            Assert.That(requests.Select(r => r.Offset), Is.EqualTo(new ushort[] { PacketPool.LeadingSpace, 0, 0 }));
            Assert.That(requests.Select(r => r.Flags), Is.EqualTo(new[]
            {
                NetTxFlags.CsumBlank | NetTxFlags.MoreData, NetTxFlags.MoreData, NetTxFlags.None,
            }));
            Assert.That(requests.Select(r => r.Id).Distinct().Count(), Is.EqualTo(3));
            byte[] copied = [.. bed.Backend.CopyOut(requests[0], 4094), .. bed.Backend.CopyOut(requests[1], 4096), .. bed.Backend.CopyOut(requests[2], 810)];
            Assert.That(copied, Is.EqualTo(frame));
            Assert.That(bed.Instance.Statistics.TxMultiSegment, Is.EqualTo(1));
        });

        foreach (NetifTxRequest request in requests)
        {
            bed.Backend.RespondTx(request.Id, request.Id == requests[0].Id ? NetifRsp.Error : NetifRsp.Okay);
        }

        bed.Backend.PushTx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Guest.Grants.InUse, Is.EqualTo(2 + 256), "only the ring and RX grants remain");
            Assert.That(bed.Interface.Counters.OutErrors, Is.EqualTo(1), "the head slot's ERROR counts once");
        });
    }

    [Test]
    public void AFrameBiggerThanAPageIsDroppedWithoutScatterGather()
    {
        using var bed = new XennetTestBed(sg: false);
        bed.Connect();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Send(XennetTestBed.Frame(9000)), Is.False);
            Assert.That(bed.Backend.TakeTxRequests(), Is.Empty);
            Assert.That(bed.Interface.Counters.OutDrops, Is.EqualTo(1));
            Assert.That(bed.Instance.Statistics.TxDropped, Is.EqualTo(1));
            Assert.That(bed.Send(XennetTestBed.Frame(4096)), Is.True, "one page still fits");
        });
    }

    [Test]
    public void TheTxEventAsksForHalfOfWhatIsOutstanding()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        for (int i = 0; i < 10; i++)
        {
            bed.Send(XennetTestBed.Frame(100, (byte)i));
        }

        List<NetifTxRequest> requests = bed.Backend.TakeTxRequests();
        Assert.That(requests, Has.Count.EqualTo(10));
        // The tenth send collected first, with 9 outstanding: 0 + (9 >> 1) + 1 = 5.
        Assert.That(TestBackend.ReadRspEvent(bed.Backend.Tx!), Is.EqualTo(new RingIndex(5)));
        for (int i = 0; i < 4; i++)
        {
            bed.Backend.RespondTx(requests[i].Id, NetifRsp.Okay);
        }

        Assert.That(bed.Backend.PushTx(), Is.False, "4 has not reached rsp_event 5: no event wanted");
        bed.Backend.RespondTx(requests[4].Id, NetifRsp.Okay);
        Assert.That(bed.Backend.PushTx(), Is.True, "5 reaches it");
        bed.Settle();
        // rsp_prod 5, req_prod 10: 5 + ((10 - 5) >> 1) + 1 = 8.
        Assert.That(TestBackend.ReadRspEvent(bed.Backend.Tx!), Is.EqualTo(new RingIndex(8)));

        for (int i = 5; i < 7; i++)
        {
            bed.Backend.RespondTx(requests[i].Id, NetifRsp.Okay);
        }

        Assert.That(bed.Backend.PushTx(), Is.False, "7 has not reached rsp_event 8");
        bed.Backend.RespondTx(requests[7].Id, NetifRsp.Okay);
        Assert.That(bed.Backend.PushTx(), Is.True, "8 reaches it");
        bed.Settle();
        // 8 + ((10 - 8) >> 1) + 1 = 10.
        Assert.That(TestBackend.ReadRspEvent(bed.Backend.Tx!), Is.EqualTo(new RingIndex(10)));
        Assert.That(bed.Guest.Grants.InUse, Is.EqualTo(2 + 256 + 2), "two requests still outstanding");
    }

    [Test]
    public void TheFrontendDoesNotNotifyWhenTheBackendDidNotAsk()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        bed.Send(XennetTestBed.Frame(60));
        bed.Backend.TakeTxRequests();
        int events = bed.Backend.EventsReceived;
        // A backend still busy with the ring asks to be woken only far ahead.
        TestBackend.WriteReqEvent(bed.Backend.Tx!, new RingIndex(100));
        bed.Send(XennetTestBed.Frame(60));
        bed.Send(XennetTestBed.Frame(60));
        Assert.That(bed.Backend.EventsReceived, Is.EqualTo(events));
        Assert.That(bed.Backend.TakeTxRequests(), Has.Count.EqualTo(2), "the requests are still pushed");
    }

    [Test]
    public void AFullRingDropsTheFrame()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        for (int i = 0; i < 256; i++)
        {
            Assert.That(bed.Send(XennetTestBed.Frame(60)), Is.True);
        }

        Assert.Multiple(() =>
        {
            Assert.That(bed.Send(XennetTestBed.Frame(60)), Is.False);
            Assert.That(bed.Instance.Statistics.TxQueueFull, Is.EqualTo(1));
            Assert.That(bed.Interface.Counters.OutDrops, Is.EqualTo(1));
        });
    }

    [Test]
    public void AfterAFullRingTheNextCompletionRestartsTheSenderOnce()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        int restarts = 0;
        bed.OnGuest(() => bed.Interface.TransmitReady += _ => restarts++);
        for (int i = 0; i < 256; i++)
        {
            bed.Send(XennetTestBed.Frame(60));
        }

        List<NetifTxRequest> requests = bed.Backend.TakeTxRequests();
        bed.Backend.RespondTx(requests[0].Id, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Backend.Kick();
        bed.Settle();
        Assert.That(restarts, Is.EqualTo(0), "nothing was refused: no deferred start");

        Assert.That(bed.Send(XennetTestBed.Frame(60)), Is.True, "the completed slot is reused");
        Assert.That(bed.Send(XennetTestBed.Frame(60)), Is.False, "full again: IFF_OACTIVE");
        foreach (NetifTxRequest request in requests.Skip(1).Take(2))
        {
            bed.Backend.RespondTx(request.Id, NetifRsp.Okay);
        }

        bed.Backend.PushTx();
        bed.Backend.Kick();
        bed.Settle();
        Assert.That(restarts, Is.EqualTo(1), "the completions restarted the sender");
        bed.Backend.Kick();
        bed.Settle();
        Assert.That(restarts, Is.EqualTo(1), "an event with nothing refused since does not");
    }
}
