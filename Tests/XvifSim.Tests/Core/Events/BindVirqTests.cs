using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

public sealed class BindVirqTests
{
    private EventTestBed _bed = null!;
    private Domain _dom0 = null!;

    [SetUp]
    public void SetUp()
    {
        _bed = new EventTestBed();
        _dom0 = _bed.Dom0;
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    private Errno Bind(Virq virq, uint vcpu, out EvtchnPort port)
    {
        var op = new EvtchnBindVirq { Virq = virq, Vcpu = vcpu };
        Errno rc = _dom0.Hypercalls.EventChannel.BindVirq(ref op);
        port = op.Port;
        return rc;
    }

    [Test]
    public void BindsToANewPortThatStatusReports()
    {
        Assert.That(Bind(Virq.DomExc, 0, out EvtchnPort port), Is.EqualTo(Errno.Ok));

        EvtchnStatus status = EventTestBed.StatusOf(_dom0, DomId.Self, port);
        Assert.That(status.Status, Is.EqualTo(EvtchnStatusKind.Virq));
        Assert.That(status.Virq, Is.EqualTo(Virq.DomExc));
        Assert.That(status.Vcpu, Is.Zero);
        Assert.That(_dom0.EventChannels.Outstanding(), Is.EqualTo(new[] { $"{port}: virq 3 (DomExc)" }));
    }

    [Test]
    public void VirqAtOrAboveNrVirqsIsEinval() =>
        Assert.That(Bind((Virq)VirqInfo.NrVirqs, 0, out _), Is.EqualTo(Errno.EINVAL));

    [Test]
    public void GlobalVirqOnAnotherVcpuIsEinvalBeforeTheVcpuIsLookedUp() =>
        Assert.That(Bind(Virq.DomExc, 1, out _), Is.EqualTo(Errno.EINVAL));

    [Test]
    public void PerVcpuVirqOnAMissingVcpuIsEnoent() =>
        Assert.That(Bind(Virq.Timer, 1, out _), Is.EqualTo(Errno.ENOENT));

    [Test]
    public void BindingTheSameVirqTwiceIsEexist()
    {
        Assert.That(Bind(Virq.Timer, 0, out _), Is.EqualTo(Errno.Ok));

        Assert.That(Bind(Virq.Timer, 0, out _), Is.EqualTo(Errno.EEXIST));
    }

    [Test]
    public void ClosingUnbindsTheVirqSoItCanBeBoundAgain()
    {
        Assert.That(Bind(Virq.DomExc, 0, out EvtchnPort port), Is.EqualTo(Errno.Ok));
        Assert.That(_dom0.Hypercalls.EventChannel.Close(port), Is.EqualTo(Errno.Ok));

        _dom0.EventChannels.SendVirq(Virq.DomExc);
        Assert.That(EventTestBed.IsPending(_dom0, port), Is.False, "an unbound VIRQ raises nothing");
        Assert.That(Bind(Virq.DomExc, 0, out _), Is.EqualTo(Errno.Ok));
    }

    [Test]
    public void SendVirqRaisesTheBoundPort()
    {
        Assert.That(Bind(Virq.DomExc, 0, out EvtchnPort port), Is.EqualTo(Errno.Ok));

        _dom0.EventChannels.SendVirq(Virq.DomExc);

        Assert.That(EventTestBed.IsPending(_dom0, port), Is.True);
        Assert.That(EventTestBed.UpcallPending(_dom0), Is.EqualTo(1));
    }

    [Test]
    public void DestroyingAGuestRaisesDomExcInDom0()
    {
        Assert.That(Bind(Virq.DomExc, 0, out EvtchnPort port), Is.EqualTo(Errno.Ok));
        Domain guest = _bed.NewGuest();

        _bed.Machine.DestroyDomain(guest.Id);

        Assert.That(EventTestBed.IsPending(_dom0, port), Is.True);
    }

    [Test]
    public void SendOnAVirqPortIsEinval()
    {
        Assert.That(Bind(Virq.DomExc, 0, out EvtchnPort port), Is.EqualTo(Errno.Ok));

        Assert.That(_dom0.Hypercalls.EventChannel.Send(port), Is.EqualTo(Errno.EINVAL));
    }
}
