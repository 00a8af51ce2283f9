using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

public sealed class CloseTests
{
    private EventTestBed _bed = null!;
    private Domain _guest = null!;

    [SetUp]
    public void SetUp()
    {
        _bed = new EventTestBed();
        _guest = _bed.NewGuest();
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void PeerFallsBackToUnboundOfferedToTheCloserAndCanBeReBound()
    {
        (EvtchnPort backend, EvtchnPort frontend) = EventTestBed.Connect(_bed.Dom0, _guest);

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Close(backend), Is.EqualTo(Errno.Ok));

        EvtchnStatus peer = EventTestBed.StatusOf(_guest, DomId.Self, frontend);
        Assert.That(peer.Status, Is.EqualTo(EvtchnStatusKind.Unbound));
        Assert.That(peer.UnboundDom, Is.EqualTo(DomId.Dom0));
        Assert.That(EventTestBed.StatusOf(_bed.Dom0, DomId.Self, backend).Status, Is.EqualTo(EvtchnStatusKind.Closed));

        var again = new EvtchnBindInterdomain { RemoteDom = _guest.Id, RemotePort = frontend };
        Assert.That(_bed.Dom0.Hypercalls.EventChannel.BindInterdomain(ref again), Is.EqualTo(Errno.Ok));
        Assert.That(EventTestBed.StatusOf(_guest, DomId.Self, frontend).InterdomainPort, Is.EqualTo(again.LocalPort));
    }

    [Test]
    public void ClosedPortsPendingBitIsCleared()
    {
        (EvtchnPort backend, _) = EventTestBed.Connect(_bed.Dom0, _guest);
        Assert.That(EventTestBed.IsPending(_bed.Dom0, backend), Is.True);

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Close(backend), Is.EqualTo(Errno.Ok));

        Assert.That(EventTestBed.IsPending(_bed.Dom0, backend), Is.False);
    }

    [Test]
    public void ClosingAnUnboundPortFreesIt()
    {
        EvtchnPort port = EventTestBed.Offer(_guest, _bed.Dom0);

        Assert.That(_guest.Hypercalls.EventChannel.Close(port), Is.EqualTo(Errno.Ok));

        Assert.That(_guest.EventChannels.Outstanding(), Is.Empty);
    }

    [TestCase(0u, TestName = "the reserved port 0")]
    [TestCase(5u, TestName = "a free port")]
    [TestCase(4096u, TestName = "a port out of range")]
    [TestCase(uint.MaxValue, TestName = "the largest port number")]
    public void ClosingABadPortIsEinval(uint port) =>
        Assert.That(_guest.Hypercalls.EventChannel.Close(new EvtchnPort(port)), Is.EqualTo(Errno.EINVAL));

    [Test]
    public void ClosingTwiceIsEinval()
    {
        EvtchnPort port = EventTestBed.Offer(_guest, _bed.Dom0);
        Assert.That(_guest.Hypercalls.EventChannel.Close(port), Is.EqualTo(Errno.Ok));

        Assert.That(_guest.Hypercalls.EventChannel.Close(port), Is.EqualTo(Errno.EINVAL));
    }

    [Test]
    public void DestroyingADomainUnbindsItsPeersAndLeavesNothingOutstanding()
    {
        (EvtchnPort backend, _) = EventTestBed.Connect(_bed.Dom0, _guest);
        EventTestBed.Offer(_guest, _bed.Dom0);
        var virq = new EvtchnBindVirq { Virq = Virq.Timer };
        Assert.That(_guest.Hypercalls.EventChannel.BindVirq(ref virq), Is.EqualTo(Errno.Ok));

        _bed.Machine.DestroyDomain(_guest.Id);

        EvtchnStatus status = EventTestBed.StatusOf(_bed.Dom0, DomId.Self, backend);
        Assert.That(status.Status, Is.EqualTo(EvtchnStatusKind.Unbound));
        Assert.That(status.UnboundDom, Is.EqualTo(_guest.Id));
        Assert.That(_guest.EventChannels.Outstanding(), Is.Empty);
        Assert.That(_bed.Machine.Outstanding(), Is.EqualTo(new[] { $"{_bed.Dom0}: {backend}: unbound for d1" }));
        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Close(backend), Is.EqualTo(Errno.Ok));
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void ConcurrentCloseFromBothEndsLeavesBothFree()
    {
        for (int round = 0; round < 300; round++)
        {
            (EvtchnPort backend, EvtchnPort frontend) = EventTestBed.Connect(_bed.Dom0, _guest);
            Errno a = Errno.EIO, b = Errno.EIO;

            Parallel.Invoke(
                () => a = _bed.Dom0.Hypercalls.EventChannel.Close(backend),
                () => b = _guest.Hypercalls.EventChannel.Close(frontend));

            Assert.That((a, b), Is.EqualTo((Errno.Ok, Errno.Ok)));
            Assert.That(_bed.Machine.Outstanding(), Is.Empty);
        }
    }
}
