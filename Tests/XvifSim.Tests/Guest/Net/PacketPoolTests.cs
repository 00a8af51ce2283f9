using XvifSim.Guest.Net;

namespace XvifSim.Tests.Guest.Net;

/// <summary>Packet buffers and their pool (NetBSD's mbuf chains and clusters): layout, reference counts, exhaustion, checksums across segments, reclaim.</summary>
public class PacketPoolTests
{
    [Test]
    public void AFrameUpToAClusterIsOneSegmentStartingPastEtherAlign()
    {
        PacketPool pool = TestPackets.Pool();
        Assert.That(pool.TryAllocate(1514, out PacketBuffer packet));
        Assert.Multiple(() =>
        {
            Assert.That(packet.SegmentCount, Is.EqualTo(1));
            Assert.That(packet.Segment(0).Offset % PacketPool.ClusterBytes, Is.EqualTo(PacketPool.LeadingSpace));
            Assert.That(packet.Length, Is.EqualTo(1514));
            Assert.That(pool.ClustersInUse, Is.EqualTo(1));
            Assert.That(pool.BuffersInUse, Is.EqualTo(1));
        });
    }

    [Test]
    public void AJumboFrameIsAChainOfClustersTwoAPage()
    {
        PacketPool pool = TestPackets.Pool();
        Assert.That(pool.TryAllocate(9000, out PacketBuffer packet));
        PacketSegment[] segments = [.. Enumerable.Range(0, packet.SegmentCount).Select(packet.Segment)];
        Assert.Multiple(() =>
        {
            Assert.That(segments.Select(s => s.Length), Is.EqualTo(new[] { 2046, 2048, 2048, 2048, 810 }));
            Assert.That(segments.Select(s => s.Offset), Is.EqualTo(new[] { 2, 2048, 0, 2048, 0 }), "a fresh page's second cluster follows its first");
            Assert.That(segments.Select(s => s.Gfn).Distinct().Count(), Is.EqualTo(3), "the frame crosses two page boundaries");
        });
    }

    [Test]
    public void HoldersShareABufferAndTheLastFreeReturnsItsClusters()
    {
        PacketPool pool = TestPackets.Pool();
        Assert.That(pool.TryAllocate(9000, out PacketBuffer packet));
        packet.Hold();
        packet.Hold();
        packet.Free();
        packet.Free();
        Assert.That((packet.RefCount, pool.BuffersInUse, pool.ClustersInUse), Is.EqualTo((1, 1, 5)), "one holder left");
        packet.Free();
        Assert.Multiple(() =>
        {
            Assert.That((pool.BuffersInUse, pool.ClustersInUse), Is.EqualTo((0, 0)));
            Assert.Throws<InvalidOperationException>(packet.Free, "a second free of the last reference is a broken invariant");
            Assert.Throws<InvalidOperationException>(packet.Hold, "a freed buffer cannot be held again");
        });
    }

    [Test]
    public void ASharedBufferIsNotWritten()
    {
        PacketPool pool = TestPackets.Pool();
        PacketBuffer packet = pool.From(new byte[100]);
        packet.Hold();
        Assert.Throws<InvalidOperationException>(() => packet.CopyFrom(0, [1]));
        packet.Free();
        packet.Free();
    }

    [Test]
    public void AFullPoolRefusesTheAllocationAndCountsIt()
    {
        PacketPool pool = TestPackets.Pool(maxPages: 1);
        Assert.That(pool.TryAllocate(1514, out PacketBuffer first), "a page holds two clusters");
        Assert.That(pool.TryAllocate(1514, out PacketBuffer second));
        Assert.Multiple(() =>
        {
            Assert.That(pool.TryAllocate(1514, out _), Is.False);
            Assert.That(pool.TryAllocate(9000, out _), Is.False);
            Assert.That(pool.PoolExhausted, Is.EqualTo(2));
            Assert.That(pool.BuffersInUse, Is.EqualTo(2), "a refused allocation leaves nothing behind");
        });

        first.Free();
        Assert.That(pool.TryAllocate(1514, out PacketBuffer third), "a freed cluster is reused");
        second.Free();
        third.Free();
        Assert.That((pool.BuffersInUse, pool.ClustersInUse), Is.EqualTo((0, 0)));
    }

    [Test]
    public void ExhaustedGuestRamRefusesTheAllocationAndCountsIt()
    {
        PacketPool pool = TestPackets.Pool(ramPages: 2, maxPages: 100);
        Assert.That(pool.TryAllocatePage(out _) && pool.TryAllocatePage(out _), "two pages of RAM");
        Assert.Multiple(() =>
        {
            Assert.That(pool.TryAllocatePage(out _), Is.False);
            Assert.That(pool.TryAllocate(60, out _), Is.False);
            Assert.That(pool.RamExhausted, Is.EqualTo(2));
            Assert.That(pool.PoolExhausted, Is.Zero);
        });
    }

    [Test]
    public void TheChecksumAcrossSegmentsIsTheChecksumOfTheBytes()
    {
        var random = new Random(5);
        byte[] bytes = new byte[9000];
        random.NextBytes(bytes);
        PacketBuffer packet = TestPackets.Pool().From(bytes);
        foreach ((int offset, int length) in new[] { (0, 9000), (1, 8999), (34, 8966), (2045, 7), (2047, 4000), (3, 0) })
        {
            Assert.That(packet.Checksum(0x1234, offset, length), Is.EqualTo(InternetChecksum.Add(0x1234, bytes.AsSpan(offset, length))), $"{offset}+{length}");
        }
    }

    [Test]
    public void ReclaimGivesPagesWithNothingInUseBackToTheAllocator()
    {
        PacketPool pool = TestPackets.Pool();
        Assert.That(pool.TryAllocate(9000, out PacketBuffer jumbo));
        Assert.That(pool.TryAllocate(60, out PacketBuffer small));
        jumbo.Free();
        Assert.That(pool.PagesOwned, Is.EqualTo(3));
        Assert.That(pool.Reclaim(), Is.EqualTo(2), "the jumbo frame's two whole pages; the third shares a page with the frame still held");
        small.Free();
        Assert.That(pool.Reclaim(), Is.EqualTo(1));
        Assert.That(pool.PagesOwned, Is.Zero);
    }
}
