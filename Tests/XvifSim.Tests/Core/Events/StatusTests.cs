using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

public sealed class StatusTests
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
    public void ReservedAndFreePortsAreClosed()
    {
        Assert.That(EventTestBed.StatusOf(_guest, DomId.Self, new EvtchnPort(0)).Status, Is.EqualTo(EvtchnStatusKind.Closed));
        Assert.That(EventTestBed.StatusOf(_guest, DomId.Self, new EvtchnPort(4095)).Status, Is.EqualTo(EvtchnStatusKind.Closed));
    }

    [Test]
    public void UnusedUnionFieldsAreZeroed()
    {
        EvtchnPort port = EventTestBed.Offer(_guest, _bed.Dom0);
        var op = new EvtchnStatus
        {
            Dom = DomId.Self,
            Port = port,
            InterdomainDom = new DomId(9),
            InterdomainPort = new EvtchnPort(9),
            Virq = Virq.Console,
            Vcpu = 9,
        };

        Assert.That(_guest.Hypercalls.EventChannel.Status(ref op), Is.EqualTo(Errno.Ok));

        Assert.That(op.Status, Is.EqualTo(EvtchnStatusKind.Unbound));
        Assert.That((op.InterdomainDom, op.InterdomainPort, op.Virq, op.Vcpu), Is.EqualTo((default(DomId), default(EvtchnPort), default(Virq), 0u)));
    }

    [Test]
    public void PrivilegedDomainMayAskAboutAnotherDomain()
    {
        EvtchnPort port = EventTestBed.Offer(_guest, _bed.Dom0);

        Assert.That(EventTestBed.StatusOf(_bed.Dom0, _guest.Id, port).Status, Is.EqualTo(EvtchnStatusKind.Unbound));
    }

    [Test]
    public void GuestAskingAboutAnotherDomainIsEperm()
    {
        var op = new EvtchnStatus { Dom = DomId.Dom0, Port = new EvtchnPort(1) };

        Assert.That(_guest.Hypercalls.EventChannel.Status(ref op), Is.EqualTo(Errno.EPERM));
    }

    [Test]
    public void UnknownDomainIsEsrch()
    {
        var op = new EvtchnStatus { Dom = new DomId(77), Port = new EvtchnPort(1) };

        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Status(ref op), Is.EqualTo(Errno.ESRCH));
    }

    [Test]
    public void PortOutOfRangeIsEinvalEvenBeforePermission()
    {
        var own = new EvtchnStatus { Dom = DomId.Self, Port = new EvtchnPort(4096) };
        var other = new EvtchnStatus { Dom = DomId.Dom0, Port = new EvtchnPort(4096) };

        Assert.That(_guest.Hypercalls.EventChannel.Status(ref own), Is.EqualTo(Errno.EINVAL));
        Assert.That(_guest.Hypercalls.EventChannel.Status(ref other), Is.EqualTo(Errno.EINVAL), "Xen checks the port before XSM");
    }
}
