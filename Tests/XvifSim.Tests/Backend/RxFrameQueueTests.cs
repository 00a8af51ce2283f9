using XvifSim.Backend;
using XvifSim.Guest.Net;
using XvifSim.Tests.Guest.Net;

namespace XvifSim.Tests.Backend;

/// <summary>xvif's RX queue (NetBSD's if_snd for the guest): order, capacity, and references to packet buffers, freed when dropped.</summary>
public class RxFrameQueueTests
{
    private readonly PacketPool _pool = TestPackets.Pool();

    [Test]
    public void FramesComeOutInOrderWithTheirChecksumState()
    {
        var queue = new RxFrameQueue(4);
        Assert.That(queue.TryEnqueue(_pool.From(TestFrontend.Frame(60)), checksumBlank: true));
        Assert.That(queue.TryEnqueue(_pool.From(TestFrontend.Frame(9000, seed: 3)), checksumBlank: false));
        Assert.Multiple(() =>
        {
            Assert.That(queue.Head.ToArray(), Is.EqualTo(TestFrontend.Frame(60)));
            Assert.That(queue.HeadChecksumBlank, Is.True);
        });
        queue.Dequeue().Free();
        Assert.Multiple(() =>
        {
            Assert.That(queue.Head.ToArray(), Is.EqualTo(TestFrontend.Frame(9000, seed: 3)));
            Assert.That(queue.HeadChecksumBlank, Is.False);
            Assert.That(queue.Count, Is.EqualTo(1));
        });
        queue.Clear();
        Assert.That(_pool.BuffersInUse, Is.Zero, "clearing the queue frees what it held");
    }

    [Test]
    public void AFullQueueRefusesTheFrameAndLeavesItToTheCaller()
    {
        var queue = new RxFrameQueue(2);
        PacketBuffer[] frames = [.. Enumerable.Range(0, 3).Select(_ => _pool.From(TestFrontend.Frame(60)))];
        Assert.That(frames.Select(f => queue.TryEnqueue(f, false)), Is.EqualTo(new[] { true, true, false }));
        Assert.That(frames[2].RefCount, Is.EqualTo(1), "the refused frame is still the caller's");
        frames[2].Free();
        queue.Clear();
        Assert.That(_pool.BuffersInUse, Is.Zero);
    }

    [Test]
    public void CyclingAFullQueueOfMixedFramesAllocatesNothingOnceWarm()
    {
        var queue = new RxFrameQueue(XvifInstance.RxQueueLength);
        void FillAndDrain()
        {
            for (int i = 0; i < XvifInstance.RxQueueLength; i++)
            {
                _pool.TryAllocate(i % 8 == 0 ? 9000 : 1514, out PacketBuffer packet);
                queue.TryEnqueue(packet, checksumBlank: false);
            }

            queue.Clear();
        }

        FillAndDrain();
        Assert.That(Allocation.Least(FillAndDrain), Is.EqualTo(0), "the queue and the pool reuse their buffers and clusters");
        Assert.That(_pool.BuffersInUse, Is.Zero);
    }
}
