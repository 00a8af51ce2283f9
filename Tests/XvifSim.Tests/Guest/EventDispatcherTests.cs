using Moq;
using XvifSim.Guest.Events;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Guest;

/// <summary>The guest's 2-level upcall: clear the flag, swap the selector, scan pending &amp; ~mask.</summary>
public class EventDispatcherTests
{
    [Test]
    public void BootMasksEveryPortAndBindUnmasksThroughXen()
    {
        var guest = new FakeGuest();
        var dispatcher = new EventDispatcher(guest.Hypercalls.Object);
        dispatcher.Bind(new EvtchnPort(5), _ => { });

        Assert.Multiple(() =>
        {
            Assert.That(SharedBits.ReadU64(guest.SharedInfo, SharedInfoLayout.EvtchnMaskOffset), Is.EqualTo(ulong.MaxValue));
            Assert.That(SharedBits.ReadU64(guest.SharedInfo, SharedInfoLayout.EvtchnMaskOffset + 504), Is.EqualTo(ulong.MaxValue));
        });
        guest.EventChannel.Verify(e => e.Unmask(new EvtchnPort(5)), Times.Once);
    }

    [Test]
    public void UpcallRunsEachPendingHandlerOnceAndClearsTheBits()
    {
        var guest = new FakeGuest();
        var dispatcher = new EventDispatcher(guest.Hypercalls.Object);
        var seen = new List<uint>();
        foreach (uint p in new uint[] { 3, 64, 200 })
        {
            dispatcher.Bind(new EvtchnPort(p), port => seen.Add(port.Value));
            SharedBits.TestAndClear(guest.SharedInfo, SharedInfoLayout.MaskWord(new EvtchnPort(p)), SharedInfoLayout.Bit(new EvtchnPort(p)));
            guest.RaisePending(new EvtchnPort(p));
        }

        guest.Upcall!();

        int vcpu = SharedInfoLayout.VcpuInfo(0);
        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.EqualTo(new uint[] { 3, 64, 200 }));
            Assert.That(dispatcher.Delivered, Is.EqualTo(3));
            Assert.That(SharedBits.ReadU8(guest.SharedInfo, vcpu + VcpuInfoLayout.EvtchnUpcallPending), Is.Zero);
            Assert.That(SharedBits.ReadU64(guest.SharedInfo, vcpu + VcpuInfoLayout.EvtchnPendingSel), Is.Zero);
            Assert.That(SharedBits.ReadU64(guest.SharedInfo, SharedInfoLayout.EvtchnPendingOffset), Is.Zero);
        });
    }

    [Test]
    public void AMaskedPortStaysPendingAndItsHandlerDoesNotRun()
    {
        var guest = new FakeGuest();
        var dispatcher = new EventDispatcher(guest.Hypercalls.Object);
        int runs = 0;
        var port = new EvtchnPort(9);
        dispatcher.Bind(port, _ => runs++);
        guest.RaisePending(port);

        guest.Upcall!();

        Assert.Multiple(() =>
        {
            Assert.That(runs, Is.Zero, "the mock's unmask did not clear the mask bit, so the port is still masked");
            Assert.That(SharedBits.Test(guest.SharedInfo, SharedInfoLayout.PendingWord(port), SharedInfoLayout.Bit(port)), Is.True);
        });
    }

    [Test]
    public void NotifySendsOnThePort()
    {
        var guest = new FakeGuest();
        guest.EventChannel.Setup(e => e.Send(new EvtchnPort(4))).Returns(Errno.Ok);
        Assert.That(new EventDispatcher(guest.Hypercalls.Object).Notify(new EvtchnPort(4)), Is.EqualTo(Errno.Ok));
    }
}
