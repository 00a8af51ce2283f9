using Moq;
using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

/// <summary>EVTCHNOP_send and evtchn_2l_set_pending, read back from the real shared_info bytes.</summary>
public sealed class DeliveryTests
{
    private EventTestBed _bed = null!;
    private Domain _guest = null!;
    private EvtchnPort _dom0Port;
    private EvtchnPort _guestPort;
    private int _upcalls;

    [SetUp]
    public void SetUp()
    {
        _bed = new EventTestBed();
        _guest = _bed.NewGuest();

        // Port 70 sits in word 1 of the bitmaps, to see the selector bit move.
        for (int i = 0; i < 69; i++)
        {
            EventTestBed.Offer(_guest, _guest);
        }

        (_dom0Port, _guestPort) = EventTestBed.Connect(_bed.Dom0, _guest);
        Assert.That(_guestPort, Is.EqualTo(new EvtchnPort(70)));
        _upcalls = 0;
        _guest.Hypercalls.Vcpu.SetUpcallHandler(() =>
        {
            _upcalls++;
            EventTestBed.AcknowledgeUpcall(_guest);
        });
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void SendSetsPendingSelectorAndUpcallFlagInThePeer()
    {
        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port), Is.EqualTo(Errno.Ok));

        byte[] shared = _guest.SharedInfo.Span.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(BitConverter.ToUInt64(shared, 2048 + 8), Is.EqualTo(1UL << 6), "pending word 1, bit 70 % 64");
            Assert.That(EventTestBed.PendingSel(_guest), Is.EqualTo(1UL << 1), "selector bit 70 / 64");
            Assert.That(shared[0], Is.EqualTo(1), "evtchn_upcall_pending");
            Assert.That(EventTestBed.IsPending(_bed.Dom0, _dom0Port), Is.True, "only from bind_interdomain");
        });
    }

    [Test]
    public void DeliveryPostsOneUpcallThatRunsTheGuestHandler()
    {
        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port), Is.EqualTo(Errno.Ok));
        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port), Is.EqualTo(Errno.Ok));

        _bed.Context(_guest).Verify(c => c.Post(It.IsAny<Action>()), Times.Once);
        Assert.That(_upcalls, Is.Zero, "nothing runs until the vCPU runs the posted work");

        _bed.Posted(_guest)[0]();

        Assert.That(_upcalls, Is.EqualTo(1));
        Assert.That(EventTestBed.UpcallPending(_guest), Is.Zero);
    }

    [Test]
    public void AfterTheGuestAcknowledgesANewEventKicksAgain()
    {
        _bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port);
        _bed.Posted(_guest)[0]();
        SharedBits.TestAndClear(_guest.SharedInfo.Span, SharedInfoLayout.PendingWord(_guestPort), SharedInfoLayout.Bit(_guestPort));

        _bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port);

        _bed.Context(_guest).Verify(c => c.Post(It.IsAny<Action>()), Times.Exactly(2));
    }

    [Test]
    public void MaskedPortIsPendingButPostsNothing()
    {
        EventTestBed.Mask(_guest, _guestPort);

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port), Is.EqualTo(Errno.Ok));

        Assert.That(EventTestBed.IsPending(_guest, _guestPort), Is.True);
        Assert.That(EventTestBed.PendingSel(_guest), Is.Zero);
        Assert.That(EventTestBed.UpcallPending(_guest), Is.Zero);
        _bed.Context(_guest).Verify(c => c.Post(It.IsAny<Action>()), Times.Never);
    }

    [Test]
    public void UpcallMaskedVcpuIsKickedButTheHandlerWaits()
    {
        _guest.SharedInfo.Span[VcpuInfoLayout.EvtchnUpcallMask] = 1;

        _bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port);
        _bed.Posted(_guest)[0]();

        Assert.That(_upcalls, Is.Zero);
        Assert.That(EventTestBed.UpcallPending(_guest), Is.EqualTo(1), "left for when the guest unmasks");
    }

    [Test]
    public void SendOnAnUnboundPortSucceedsAndDoesNothing()
    {
        EvtchnPort unbound = EventTestBed.Offer(_bed.Dom0, _guest);

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Send(unbound), Is.EqualTo(Errno.Ok));
        Assert.That(EventTestBed.IsPending(_bed.Dom0, unbound), Is.False);
    }

    [TestCase(0u, TestName = "the reserved port 0")]
    [TestCase(3000u, TestName = "a free port")]
    [TestCase(4096u, TestName = "a port out of range")]
    public void SendOnABadPortIsEinval(uint port) =>
        Assert.That(_guest.Hypercalls.EventChannel.Send(new EvtchnPort(port)), Is.EqualTo(Errno.EINVAL));

    [Test]
    public void SetPendingRaisesAPortOfThisDomain()
    {
        _guest.EventChannels.SetPending(_guestPort);

        Assert.That(EventTestBed.IsPending(_guest, _guestPort), Is.True);
        _bed.Context(_guest).Verify(c => c.Post(It.IsAny<Action>()), Times.Once);
    }

    [Test]
    public void SendingToADestroyedPeerIsHarmless()
    {
        _bed.Machine.DestroyDomain(_guest.Id);

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port), Is.EqualTo(Errno.Ok));
        Assert.That(EventTestBed.StatusOf(_bed.Dom0, DomId.Self, _dom0Port).Status, Is.EqualTo(EvtchnStatusKind.Unbound));
    }

    [Test]
    public void SendingToACrashedPeerIsHarmless()
    {
        _bed.Machine.Crash(_guest, new InvalidOperationException("test crash"));

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port), Is.EqualTo(Errno.Ok));
        _bed.Context(_guest).Verify(c => c.Shutdown(), Times.Once);
    }
}
