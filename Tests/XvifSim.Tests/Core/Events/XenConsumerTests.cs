using Moq;
using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

/// <summary>Ports whose dom0 end the hypervisor consumes, as the in-hypervisor XenStore does.</summary>
public sealed class XenConsumerTests
{
    private EventTestBed _bed = null!;
    private Domain _guest = null!;
    private EvtchnPort _storePort;
    private EvtchnPort _xenPort;
    private List<EvtchnPort> _heard = null!;

    [SetUp]
    public void SetUp()
    {
        _bed = new EventTestBed();
        _guest = _bed.NewGuest();
        _heard = [];

        // The toolstack allocates the guest's store port for dom0; the store binds it.
        var alloc = new EvtchnAllocUnbound { Dom = _guest.Id, RemoteDom = DomId.Dom0 };
        Assert.That(_bed.Dom0.Hypercalls.EventChannel.AllocUnbound(ref alloc), Is.EqualTo(Errno.Ok));
        _storePort = alloc.Port;
        Assert.That(_guest.Hypercalls.EventChannel.Send(_storePort), Is.EqualTo(Errno.Ok));
        Assert.That(_bed.Dom0.EventChannels.BindInterdomainForXen(_guest.Id, _storePort, _heard.Add, out _xenPort), Is.EqualTo(Errno.Ok));
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void BindingCallsTheConsumerOnceInsteadOfTouchingDom0SharedInfo()
    {
        Assert.That(_heard, Is.EqualTo(new[] { _xenPort }));
        Assert.That(EventTestBed.IsPending(_bed.Dom0, _xenPort), Is.False);
        Assert.That(_bed.Dom0.EventChannels.Outstanding(), Is.EqualTo(new[] { $"{_xenPort}: interdomain to d1 {_storePort} (xen)" }));
    }

    [Test]
    public void GuestSendCallsTheConsumer()
    {
        Assert.That(_guest.Hypercalls.EventChannel.Send(_storePort), Is.EqualTo(Errno.Ok));

        Assert.That(_heard, Is.EqualTo(new[] { _xenPort, _xenPort }));
        _bed.Context(_bed.Dom0).Verify(c => c.Post(It.IsAny<Action>()), Times.Never);
    }

    [Test]
    public void NotifyRaisesTheGuestPort()
    {
        _bed.Dom0.EventChannels.NotifyViaXenEventChannel(_xenPort);

        Assert.That(EventTestBed.IsPending(_guest, _storePort), Is.True);
        _bed.Context(_guest).Verify(c => c.Post(It.IsAny<Action>()), Times.Once);
    }

    [Test]
    public void Dom0KernelCannotSendOnOrCloseIt()
    {
        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Send(_xenPort), Is.EqualTo(Errno.EINVAL));
        Assert.That(_bed.Dom0.Hypercalls.EventChannel.Close(_xenPort), Is.EqualTo(Errno.EINVAL));
    }

    [Test]
    public void FreeingItUnbindsTheGuestPort()
    {
        _bed.Dom0.EventChannels.FreeXenEventChannel(_xenPort);

        Assert.That(EventTestBed.StatusOf(_guest, DomId.Self, _storePort).Status, Is.EqualTo(EvtchnStatusKind.Unbound));
        Assert.That(_bed.Dom0.EventChannels.Outstanding(), Is.Empty);
    }

    [Test]
    public void GuestDeathLeavesItUnboundAndNotifyIsDropped()
    {
        _bed.Machine.DestroyDomain(_guest.Id);

        _bed.Dom0.EventChannels.NotifyViaXenEventChannel(_xenPort);

        Assert.That(_bed.Dom0.EventChannels.Outstanding(), Is.EqualTo(new[] { $"{_xenPort}: unbound for d1 (xen)" }));
        _bed.Dom0.EventChannels.FreeXenEventChannel(_xenPort);
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void UsingAGuestPortAsAXenPortIsAHypervisorBug()
    {
        (EvtchnPort ordinary, _) = EventTestBed.Connect(_bed.Dom0, _guest);

        Assert.That(() => _bed.Dom0.EventChannels.NotifyViaXenEventChannel(ordinary), Throws.InvalidOperationException);
    }
}
