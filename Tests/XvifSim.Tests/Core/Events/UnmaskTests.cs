using Moq;
using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

public sealed class UnmaskTests
{
    private EventTestBed _bed = null!;
    private Domain _guest = null!;
    private EvtchnPort _dom0Port;
    private EvtchnPort _guestPort;

    [SetUp]
    public void SetUp()
    {
        _bed = new EventTestBed();
        _guest = _bed.NewGuest();
        (_dom0Port, _guestPort) = EventTestBed.Connect(_bed.Dom0, _guest);
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void UnmaskingAPendingPortRedeliversAndRunsTheUpcall()
    {
        bool ran = false;
        _guest.Hypercalls.Vcpu.SetUpcallHandler(() =>
        {
            ran = true;
            EventTestBed.AcknowledgeUpcall(_guest);
        });
        EventTestBed.Mask(_guest, _guestPort);
        _bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port);
        _bed.Context(_guest).Verify(c => c.Post(It.IsAny<Action>()), Times.Never);

        Assert.That(_guest.Hypercalls.EventChannel.Unmask(_guestPort), Is.EqualTo(Errno.Ok));

        Assert.That(EventTestBed.IsMasked(_guest, _guestPort), Is.False);
        Assert.That(EventTestBed.PendingSel(_guest), Is.EqualTo(1UL << (int)(_guestPort.Value / 64)));
        Assert.That(EventTestBed.UpcallPending(_guest), Is.EqualTo(1));
        _bed.Context(_guest).Verify(c => c.Post(It.IsAny<Action>()), Times.Once);
        _bed.Posted(_guest)[0]();
        Assert.That(ran, Is.True);
    }

    [Test]
    public void UnmaskingAPortThatIsNotPendingOnlyClearsTheMask()
    {
        EventTestBed.Mask(_guest, _guestPort);

        Assert.That(_guest.Hypercalls.EventChannel.Unmask(_guestPort), Is.EqualTo(Errno.Ok));

        Assert.That(EventTestBed.IsMasked(_guest, _guestPort), Is.False);
        Assert.That(EventTestBed.UpcallPending(_guest), Is.Zero);
        _bed.Context(_guest).Verify(c => c.Post(It.IsAny<Action>()), Times.Never);
    }

    [Test]
    public void UnmaskingAnUnmaskedPendingPortDoesNotDeliverAgain()
    {
        _bed.Dom0.Hypercalls.EventChannel.Send(_dom0Port);
        EventTestBed.AcknowledgeUpcall(_guest);

        Assert.That(_guest.Hypercalls.EventChannel.Unmask(_guestPort), Is.EqualTo(Errno.Ok));

        Assert.That(EventTestBed.UpcallPending(_guest), Is.Zero);
    }

    [Test]
    public void PortOutOfRangeIsEinval() =>
        Assert.That(_guest.Hypercalls.EventChannel.Unmask(new EvtchnPort(SharedInfoLayout.NrChannels)), Is.EqualTo(Errno.EINVAL));
}
