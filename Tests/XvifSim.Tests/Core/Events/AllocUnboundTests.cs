using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

public sealed class AllocUnboundTests
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
    public void SelfAllocationIsTheLowestPortAboveTheReservedPortZero()
    {
        var op = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = DomId.Dom0 };

        Assert.That(_guest.Hypercalls.EventChannel.AllocUnbound(ref op), Is.EqualTo(Errno.Ok));

        Assert.That(op.Port, Is.EqualTo(new EvtchnPort(1)));
        EvtchnStatus status = EventTestBed.StatusOf(_guest, DomId.Self, op.Port);
        Assert.That(status.Status, Is.EqualTo(EvtchnStatusKind.Unbound));
        Assert.That(status.UnboundDom, Is.EqualTo(DomId.Dom0));
    }

    [Test]
    public void OwnIdWorksLikeDomidSelf()
    {
        var op = new EvtchnAllocUnbound { Dom = _guest.Id, RemoteDom = DomId.Dom0 };

        Assert.That(_guest.Hypercalls.EventChannel.AllocUnbound(ref op), Is.EqualTo(Errno.Ok));
        Assert.That(EventTestBed.StatusOf(_guest, DomId.Self, op.Port).Status, Is.EqualTo(EvtchnStatusKind.Unbound));
    }

    [Test]
    public void RemoteDomidSelfMeansTheCaller()
    {
        var op = new EvtchnAllocUnbound { Dom = _guest.Id, RemoteDom = DomId.Self };

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.AllocUnbound(ref op), Is.EqualTo(Errno.Ok));

        Assert.That(EventTestBed.StatusOf(_bed.Dom0, _guest.Id, op.Port).UnboundDom, Is.EqualTo(DomId.Dom0));
    }

    [Test]
    public void PrivilegedDomainMayAllocateInAnotherDomain()
    {
        var op = new EvtchnAllocUnbound { Dom = _guest.Id, RemoteDom = DomId.Dom0 };

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.AllocUnbound(ref op), Is.EqualTo(Errno.Ok));

        Assert.That(_guest.EventChannels.Outstanding(), Is.EqualTo(new[] { "port 1: unbound for d0" }));
        Assert.That(_bed.Dom0.EventChannels.Outstanding(), Is.Empty);
    }

    [Test]
    public void GuestAllocatingInAnotherDomainGetsEperm()
    {
        var op = new EvtchnAllocUnbound { Dom = DomId.Dom0, RemoteDom = _guest.Id };

        Assert.That(_guest.Hypercalls.EventChannel.AllocUnbound(ref op), Is.EqualTo(Errno.EPERM));
        Assert.That(_bed.Dom0.EventChannels.Outstanding(), Is.Empty);
    }

    [Test]
    public void UnknownDomainIsEsrch()
    {
        var op = new EvtchnAllocUnbound { Dom = new DomId(42), RemoteDom = DomId.Self };

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.AllocUnbound(ref op), Is.EqualTo(Errno.ESRCH));
    }

    [Test]
    public void ExhaustionIsEnospcAndPortZeroIsNeverHandedOut()
    {
        var seen = new HashSet<uint>();
        for (int i = 1; i < SharedInfoLayout.NrChannels; i++)
        {
            seen.Add(EventTestBed.Offer(_guest, _bed.Dom0).Value);
        }

        var op = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = DomId.Dom0 };
        Assert.That(_guest.Hypercalls.EventChannel.AllocUnbound(ref op), Is.EqualTo(Errno.ENOSPC));
        Assert.That(seen, Has.Count.EqualTo(SharedInfoLayout.NrChannels - 1));
        Assert.That(seen, Does.Not.Contain(0u));
        Assert.That(seen.Max(), Is.EqualTo((uint)SharedInfoLayout.NrChannels - 1));
    }

    [Test]
    public void ClosedPortIsReusedAsTheLowestFree()
    {
        EventTestBed.Offer(_guest, _bed.Dom0);
        EvtchnPort second = EventTestBed.Offer(_guest, _bed.Dom0);
        EventTestBed.Offer(_guest, _bed.Dom0);
        Assert.That(_guest.Hypercalls.EventChannel.Close(second), Is.EqualTo(Errno.Ok));

        Assert.That(EventTestBed.Offer(_guest, _bed.Dom0), Is.EqualTo(second));
    }

    [Test]
    public void DyingDomainGetsNoNewPorts()
    {
        _bed.Machine.DestroyDomain(_guest.Id);
        var op = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = DomId.Dom0 };

        Assert.That(_guest.Hypercalls.EventChannel.AllocUnbound(ref op), Is.EqualTo(Errno.EINVAL), "get_free_port refuses a dying domain");
    }
}
