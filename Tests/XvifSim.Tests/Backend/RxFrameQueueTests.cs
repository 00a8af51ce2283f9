using XvifSim.Backend;

namespace XvifSim.Tests.Backend;

/// <summary>xvif's RX queue (NetBSD's if_snd for the guest): order, capacity, and buffers reused rather than allocated.</summary>
public class RxFrameQueueTests
{
    [Test]
    public void FramesComeOutInOrderWithTheirChecksumState()
    {
        var queue = new RxFrameQueue(4);
        Assert.That(queue.TryEnqueue(TestFrontend.Frame(60), checksumBlank: true));
        Assert.That(queue.TryEnqueue(TestFrontend.Frame(9000, seed: 3), checksumBlank: false));
        Assert.Multiple(() =>
        {
            Assert.That(queue.Head.ToArray(), Is.EqualTo(TestFrontend.Frame(60)));
            Assert.That(queue.HeadChecksumBlank, Is.True);
        });
        queue.DropHead();
        Assert.Multiple(() =>
        {
            Assert.That(queue.Head.ToArray(), Is.EqualTo(TestFrontend.Frame(9000, seed: 3)));
            Assert.That(queue.HeadChecksumBlank, Is.False);
            Assert.That(queue.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void AFullQueueRefusesTheFrame()
    {
        var queue = new RxFrameQueue(2);
        byte[] frame = TestFrontend.Frame(60);
        Assert.That(new[] { queue.TryEnqueue(frame, false), queue.TryEnqueue(frame, false), queue.TryEnqueue(frame, false) },
            Is.EqualTo(new[] { true, true, false }));
    }

    [Test]
    public void CyclingAFullQueueOfMixedFramesAllocatesNothingOnceWarm()
    {
        var queue = new RxFrameQueue(XvifInstance.RxQueueLength);
        byte[] small = TestFrontend.Frame(1514), jumbo = TestFrontend.Frame(9000);
        void FillAndDrain()
        {
            for (int i = 0; i < XvifInstance.RxQueueLength; i++)
            {
                queue.TryEnqueue(i % 8 == 0 ? jumbo : small, checksumBlank: false);
            }

            queue.Clear();
        }

        FillAndDrain();
        Assert.That(Allocation.Least(FillAndDrain), Is.EqualTo(0), "a 512-deep queue reuses its own buffers (ArrayPool.Shared keeps too few)");
    }
}
