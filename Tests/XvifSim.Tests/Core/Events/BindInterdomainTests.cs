using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

public sealed class BindInterdomainTests
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
    public void BothEndsBecomeInterdomainToEachOther()
    {
        (EvtchnPort local, EvtchnPort remote) = EventTestBed.Connect(_bed.Dom0, _guest);

        EvtchnStatus mine = EventTestBed.StatusOf(_bed.Dom0, DomId.Self, local);
        EvtchnStatus theirs = EventTestBed.StatusOf(_bed.Dom0, _guest.Id, remote);
        Assert.Multiple(() =>
        {
            Assert.That(mine.Status, Is.EqualTo(EvtchnStatusKind.Interdomain));
            Assert.That(mine.InterdomainDom, Is.EqualTo(_guest.Id));
            Assert.That(mine.InterdomainPort, Is.EqualTo(remote));
            Assert.That(theirs.Status, Is.EqualTo(EvtchnStatusKind.Interdomain));
            Assert.That(theirs.InterdomainDom, Is.EqualTo(DomId.Dom0));
            Assert.That(theirs.InterdomainPort, Is.EqualTo(local));
            Assert.That(_bed.Dom0.EventChannels.Outstanding(), Is.EqualTo(new[] { $"{local}: interdomain to d1 {remote}" }));
        });
    }

    [Test]
    public void NewLocalPortIsMarkedPendingToCoverLostSends()
    {
        EvtchnPort offered = EventTestBed.Offer(_guest, _bed.Dom0);
        Assert.That(_guest.Hypercalls.EventChannel.Send(offered), Is.EqualTo(Errno.Ok), "send on an unbound port is dropped");

        var bind = new EvtchnBindInterdomain { RemoteDom = _guest.Id, RemotePort = offered };
        Assert.That(_bed.Dom0.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.Ok));

        Assert.That(EventTestBed.IsPending(_bed.Dom0, bind.LocalPort), Is.True);
        Assert.That(EventTestBed.UpcallPending(_bed.Dom0), Is.EqualTo(1));
        Assert.That(EventTestBed.IsPending(_guest, offered), Is.False);
    }

    [Test]
    public void UnknownRemoteDomainIsEsrch()
    {
        var bind = new EvtchnBindInterdomain { RemoteDom = new DomId(99), RemotePort = new EvtchnPort(1) };

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.ESRCH));
    }

    [Test]
    public void DeadRemoteDomainIsEsrch()
    {
        EvtchnPort offered = EventTestBed.Offer(_guest, _bed.Dom0);
        _bed.Machine.DestroyDomain(_guest.Id);
        var bind = new EvtchnBindInterdomain { RemoteDom = _guest.Id, RemotePort = offered };

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.ESRCH));
        Assert.That(_bed.Dom0.EventChannels.Outstanding(), Is.Empty);
    }

    [TestCase(0u, TestName = "the reserved port 0")]
    [TestCase(7u, TestName = "a free port")]
    [TestCase(4096u, TestName = "a port out of range")]
    public void RemotePortThatIsNotUnboundIsEinval(uint port)
    {
        var bind = new EvtchnBindInterdomain { RemoteDom = _guest.Id, RemotePort = new EvtchnPort(port) };

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.EINVAL));
        Assert.That(_bed.Dom0.EventChannels.Outstanding(), Is.Empty, "no local port is left allocated");
    }

    [Test]
    public void PortOfferedToSomeoneElseIsEinval()
    {
        Domain other = _bed.NewGuest("other");
        EvtchnPort offered = EventTestBed.Offer(_guest, other);
        var bind = new EvtchnBindInterdomain { RemoteDom = _guest.Id, RemotePort = offered };

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.EINVAL));
    }

    [Test]
    public void AlreadyBoundPortIsEinval()
    {
        (_, EvtchnPort remote) = EventTestBed.Connect(_bed.Dom0, _guest);
        var again = new EvtchnBindInterdomain { RemoteDom = _guest.Id, RemotePort = remote };

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.BindInterdomain(ref again), Is.EqualTo(Errno.EINVAL));
    }

    [Test]
    public void LoopbackToOwnDomainWorks()
    {
        EvtchnPort offered = EventTestBed.Offer(_guest, _guest);
        var bind = new EvtchnBindInterdomain { RemoteDom = DomId.Self, RemotePort = offered };
        Assert.That(_guest.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.Ok));
        EventTestBed.AcknowledgeUpcall(_guest);
        SharedBits.TestAndClear(_guest.SharedInfo.Span, SharedInfoLayout.PendingWord(bind.LocalPort), SharedInfoLayout.Bit(bind.LocalPort));

        Assert.That(_guest.Hypercalls.EventChannel.Send(bind.LocalPort), Is.EqualTo(Errno.Ok));

        Assert.That(EventTestBed.IsPending(_guest, offered), Is.True);
        Assert.That(_guest.Hypercalls.EventChannel.Close(offered), Is.EqualTo(Errno.Ok));
        Assert.That(EventTestBed.StatusOf(_guest, DomId.Self, bind.LocalPort).Status, Is.EqualTo(EvtchnStatusKind.Unbound));
    }

    [Test]
    public void CrossBindingInBothDirectionsConcurrentlyDoesNotDeadlock()
    {
        Domain other = _bed.NewGuest("other");
        const int rounds = 500;
        var toOther = Enumerable.Range(0, rounds).Select(_ => EventTestBed.Offer(other, _guest)).ToArray();
        var toGuest = Enumerable.Range(0, rounds).Select(_ => EventTestBed.Offer(_guest, other)).ToArray();

        Task a = Task.Run(() =>
        {
            foreach (EvtchnPort p in toOther)
            {
                var bind = new EvtchnBindInterdomain { RemoteDom = other.Id, RemotePort = p };
                Assert.That(_guest.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.Ok));
                Assert.That(_guest.Hypercalls.EventChannel.Close(bind.LocalPort), Is.EqualTo(Errno.Ok));
            }
        });
        Task b = Task.Run(() =>
        {
            foreach (EvtchnPort p in toGuest)
            {
                var bind = new EvtchnBindInterdomain { RemoteDom = _guest.Id, RemotePort = p };
                Assert.That(other.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.Ok));
                Assert.That(other.Hypercalls.EventChannel.Close(bind.LocalPort), Is.EqualTo(Errno.Ok));
            }
        });

        Assert.That(Task.WaitAll([a, b], TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(_guest.EventChannels.Outstanding().Count(), Is.EqualTo(rounds), "the offered ports are unbound again");
    }
}
