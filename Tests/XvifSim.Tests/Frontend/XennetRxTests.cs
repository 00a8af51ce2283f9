using System.Buffers.Binary;
using System.Net;
using PacketDotNet;
using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Tests.Frontend;

/// <summary>RX (docs/reference/netbsd-xvif-xennet.md, "xennet: RX buffers"): buffers posted, refill at 204, single and multi-slot delivery.</summary>
public class XennetRxTests
{
    [Test]
    public void TwoHundredFiftySixBuffersArePostedReadWriteToDom0WithIdsInOrder()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        Assert.Multiple(() =>
        {
            Assert.That(posted.Select(r => (int)r.Id), Is.EqualTo(Enumerable.Range(0, 256)));
            Assert.That(posted.Select(r => r.Gref).Distinct().Count(), Is.EqualTo(256));
            Assert.That(posted.All(r => (bed.Guest.Grants.Flags(r.Gref) & (GtfFlags.PermitAccess | GtfFlags.Readonly)) == GtfFlags.PermitAccess), Is.True);
        });
    }

    [Test]
    public void AFrameInOneSlotIsDeliveredAndItsBufferWaitsForTheRefill()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        byte[] frame = XennetTestBed.Frame(1514, 9);
        bed.Backend.FillRx(posted[0], frame, NetRxFlags.DataValidated);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Received, Has.Count.EqualTo(1));
            Assert.That(bed.Received[0], Is.EqualTo(frame));
            Assert.That(bed.Interface.Counters.InPackets, Is.EqualTo(1));
            Assert.That(bed.Guest.Grants.Flags(posted[0].Gref) & GtfFlags.PermitAccess, Is.EqualTo(GtfFlags.Invalid), "the buffer's grant is ended");
            Assert.That(bed.Backend.Rx!.ReadReqProd(), Is.EqualTo(new RingIndex(256)), "one free buffer is not reposted yet");
        });
    }

    [Test]
    public void AFrameAtAnOffsetIsDeliveredFromThere()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        byte[] frame = XennetTestBed.Frame(100, 3);
        bed.Backend.FillRx(posted[0], frame, NetRxFlags.None, offset: 2);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.That(bed.Received.Single(), Is.EqualTo(frame));
    }

    [Test]
    public void BuffersAreRepostedWithFreshGrantsOnceTwoHundredFourAreFree()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        for (int i = 0; i < 203; i++)
        {
            bed.Backend.FillRx(posted[i], XennetTestBed.Frame(60, (byte)i), NetRxFlags.None);
        }

        bed.Backend.PushRx();
        bed.Settle();
        Assert.That(bed.Backend.Rx!.ReadReqProd(), Is.EqualTo(new RingIndex(256)), "203 free: no refill");

        bed.Backend.FillRx(posted[203], XennetTestBed.Frame(60), NetRxFlags.None);
        bed.Backend.PushRx();
        bed.Settle();
        List<NetifRxRequest> reposted = bed.Backend.TakeRxRequests();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Received, Has.Count.EqualTo(204));
            Assert.That(bed.Backend.Rx!.ReadReqProd(), Is.EqualTo(new RingIndex(256 + 204)));
            Assert.That(reposted.Select(r => (int)r.Id), Is.EquivalentTo(Enumerable.Range(0, 204)));
            Assert.That(reposted.All(r => (bed.Guest.Grants.Flags(r.Gref) & GtfFlags.PermitAccess) != 0), Is.True);
            Assert.That(bed.Guest.Grants.InUse, Is.EqualTo(2 + 256));
        });
    }

    [Test]
    public void AMultiSlotFrameIsReassembled()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        byte[] frame = XennetTestBed.Frame(9000, 5);
        bed.Backend.FillRx(posted[0], frame.AsSpan(0, 4096), NetRxFlags.CsumBlank | NetRxFlags.MoreData);
        bed.Backend.FillRx(posted[1], frame.AsSpan(4096, 4096), NetRxFlags.MoreData);
        bed.Backend.FillRx(posted[2], frame.AsSpan(8192), NetRxFlags.None);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Received.Single(), Is.EqualTo(frame));
            Assert.That(bed.Instance.Statistics.RxMultiSegment, Is.EqualTo(1));
            Assert.That(bed.Instance.Statistics.RxCsumBlank, Is.EqualTo(1), "flags come from the first slot");
        });
    }

    [Test]
    public void AChainTheBatchDoesNotFinishIsDropped()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        bed.Backend.FillRx(posted[0], XennetTestBed.Frame(4096), NetRxFlags.MoreData);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Received, Is.Empty);
            Assert.That(bed.Interface.Counters.InDrops, Is.EqualTo(1));
            Assert.That(bed.Instance.IsBroken, Is.False);
        });

        bed.Backend.FillRx(posted[1], XennetTestBed.Frame(60, 2), NetRxFlags.None);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.That(bed.Received.Single(), Is.EqualTo(XennetTestBed.Frame(60, 2)), "the next frame starts afresh");
    }

    [Test]
    public void TheRxEventIsSetByTheFinalCheck()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        for (int i = 0; i < 3; i++)
        {
            bed.Backend.FillRx(posted[i], XennetTestBed.Frame(60), NetRxFlags.None);
        }

        bed.Backend.PushRx();
        bed.Settle();
        Assert.That(TestBackend.ReadRspEvent(bed.Backend.Rx!), Is.EqualTo(new RingIndex(4)));
    }

    [Test]
    public void ABlankUdpChecksumIsCompletedBeforeTheFrameGoesUp()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        var udp = new UdpPacket(1234, 5678) { PayloadData = [.. Enumerable.Range(0, 40).Select(i => (byte)i)] };
        var ip = new IPv4Packet(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2")) { PayloadPacket = udp };
        var ethernet = new EthernetPacket(
            System.Net.NetworkInformation.PhysicalAddress.Parse("00-16-3E-00-00-01"),
            System.Net.NetworkInformation.PhysicalAddress.Parse("00-16-3E-0A-0B-0C"),
            EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateIPChecksum();
        udp.UpdateUdpChecksum();
        byte[] good = ethernet.Bytes;

        // What an offloading sender puts in the field: the folded pseudo-header sum.
        byte[] blank = [.. good];
        int udpOffset = 14 + 20;
        uint pseudo = InternetChecksum.PseudoHeader(IPv4Address.FromBytes(blank.AsSpan(14 + 12)), IPv4Address.FromBytes(blank.AsSpan(14 + 16)), 17, good.Length - udpOffset);
        BinaryPrimitives.WriteUInt16BigEndian(blank.AsSpan(udpOffset + 6), InternetChecksum.Fold(pseudo));

        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        bed.Backend.FillRx(posted[0], blank, NetRxFlags.CsumBlank);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Received.Single(), Is.EqualTo(good));
            Assert.That(bed.Instance.Statistics.RxCsumUndeferred, Is.EqualTo(1));
        });
    }

    [Test]
    public void AFilledPageGoesUpAsTheBufferAndAFreshPageTakesItsSlot()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        int pagesBefore = 0;
        bed.OnGuest(() => pagesBefore = bed.Guest.Packets.PagesInUse);
        PacketBuffer? up = null;
        bed.OnGuest(() => bed.Interface.Receiver = (_, packet) =>
        {
            packet.Hold();
            up = packet;
        });
        byte[] frame = XennetTestBed.Frame(1514, 3);
        bed.Backend.FillRx(posted[0], frame, NetRxFlags.DataValidated, offset: 2);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(up, Is.Not.Null);
            Assert.That((up!.SegmentCount, up.Segment(0).Offset, up.Length), Is.EqualTo((1, 2, 1514)), "the page as the backend filled it, at its offset");
            Assert.That(up.ToArray(), Is.EqualTo(frame));
        });
        int pagesHeld = 0;
        bed.OnGuest(() =>
        {
            pagesHeld = bed.Guest.Packets.PagesInUse;
            up!.Free();
        });
        Assert.That(pagesHeld, Is.EqualTo(pagesBefore + 1), "the received page is the stack's, a fresh one is posted in its place");
        bed.OnGuest(() => pagesHeld = bed.Guest.Packets.PagesInUse);
        Assert.That(pagesHeld, Is.EqualTo(pagesBefore), "freeing the buffer gives its page back to the pool");
    }

    [Test]
    public void WithNoFreshPageTheFrameIsDroppedCountedAndItsPageStaysPosted()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        var held = new List<Gfn>();
        bed.OnGuest(() =>
        {
            while (bed.Guest.Packets.TryAllocatePage(out Gfn page))
            {
                held.Add(page);
            }
        });
        bed.Backend.FillRx(posted[0], XennetTestBed.Frame(60), NetRxFlags.None);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Received, Is.Empty);
            Assert.That(bed.Interface.Counters.InDrops, Is.EqualTo(1));
            Assert.That(bed.Instance.Statistics.RxNoBuffers, Is.EqualTo(1));
            Assert.That(bed.Instance.IsBroken, Is.False);
        });

        bed.OnGuest(() => held.ForEach(bed.Guest.Packets.FreePage));
        bed.Backend.FillRx(posted[1], XennetTestBed.Frame(60, 7), NetRxFlags.None);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.That(bed.Received.Single(), Is.EqualTo(XennetTestBed.Frame(60, 7)), "pages again: frames go up");
    }
}
