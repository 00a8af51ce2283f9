using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

/// <summary>The guest's facade acts only as its own domain.</summary>
public sealed class IdentityTests
{
    private EventTestBed _bed = null!;
    private Domain _guest = null!;
    private Domain _other = null!;

    [SetUp]
    public void SetUp()
    {
        _bed = new EventTestBed();
        _guest = _bed.NewGuest("guest");
        _other = _bed.NewGuest("other");
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void FacadeIsTheDomainsOwnEventChannels()
    {
        IHypercalls hypercalls = _guest.Hypercalls;

        Assert.That(hypercalls.DomId, Is.EqualTo(_guest.Id));
        Assert.That(hypercalls.IsPrivileged, Is.False);
        Assert.That(hypercalls.EventChannel, Is.SameAs(_guest.EventChannels));
    }

    [Test]
    public void DomidSelfThroughTheFacadeIsTheGuest()
    {
        var op = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = DomId.Self };
        Assert.That(_guest.Hypercalls.EventChannel.AllocUnbound(ref op), Is.EqualTo(Errno.Ok));

        Assert.That(_guest.EventChannels.Outstanding(), Is.EqualTo(new[] { $"{op.Port}: unbound for {_guest.Id}" }));
        Assert.That(_other.EventChannels.Outstanding(), Is.Empty);
    }

    [Test]
    public void GuestCannotActOnAnotherGuest()
    {
        EvtchnPort theirs = EventTestBed.Offer(_other, _bed.Dom0);
        var alloc = new EvtchnAllocUnbound { Dom = _other.Id, RemoteDom = _guest.Id };
        var status = new EvtchnStatus { Dom = _other.Id, Port = theirs };

        Assert.That(_guest.Hypercalls.EventChannel.AllocUnbound(ref alloc), Is.EqualTo(Errno.EPERM));
        Assert.That(_guest.Hypercalls.EventChannel.Status(ref status), Is.EqualTo(Errno.EPERM));
        Assert.That(_guest.Hypercalls.EventChannel.Close(theirs), Is.EqualTo(Errno.EINVAL), "the port number names the guest's own (free) port");
        Assert.That(EventTestBed.StatusOf(_other, DomId.Self, theirs).Status, Is.EqualTo(EvtchnStatusKind.Unbound));
    }

    [Test]
    public void GuestCannotBindAPortOfferedToSomeoneElse()
    {
        EvtchnPort forDom0 = EventTestBed.Offer(_other, _bed.Dom0);
        var bind = new EvtchnBindInterdomain { RemoteDom = _other.Id, RemotePort = forDom0 };

        Assert.That(_guest.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.EINVAL));
    }
}
