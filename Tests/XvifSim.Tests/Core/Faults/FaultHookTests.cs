using Moq;
using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Faults;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.XenStore;
using XvifSim.Tests.Core.Events;

namespace XvifSim.Tests.Core.Faults;

/// <summary>The hypervisor's fault points on their own: what each does with the answer a hook gives, and that it asks before acting.</summary>
public sealed class FaultHookTests
{
    private DeterministicScheduler _scheduler = null!;
    private Machine _machine = null!;
    private Mock<IFaultHooks> _hooks = null!;
    private Domain _guest = null!;

    [SetUp]
    public void SetUp()
    {
        _scheduler = new DeterministicScheduler(seed: 1);
        _machine = new Machine(_scheduler, new MachineOptions { XenStore = false });
        _guest = _machine.CreateDomain(new DomainConfig("guest"));
        _hooks = new Mock<IFaultHooks>(MockBehavior.Strict);
        _machine.Faults = _hooks.Object;
    }

    [TearDown]
    public void TearDown()
    {
        _machine.Dispose();
        _scheduler.Dispose();
    }

    [Test]
    public void ADroppedSendSucceedsAndRaisesNothing()
    {
        (EvtchnPort guestPort, EvtchnPort dom0Port) = EventTestBed.Connect(_guest, _machine.Dom0);
        _hooks.Setup(h => h.SendEvent(_guest, guestPort)).Returns(EvtchnFault.Drop);

        Assert.That(_guest.Hypercalls.EventChannel.Send(guestPort), Is.EqualTo(Errno.Ok));
        _scheduler.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(EventTestBed.IsPending(_machine.Dom0, dom0Port), Is.False);
    }

    [Test]
    public void DelayedSendsRaiseTheirPeersAtTheirDeadline()
    {
        (EvtchnPort first, EvtchnPort firstPeer) = EventTestBed.Connect(_guest, _machine.Dom0);
        (EvtchnPort second, EvtchnPort secondPeer) = EventTestBed.Connect(_guest, _machine.Dom0);
        _hooks.Setup(h => h.SendEvent(_guest, It.IsAny<EvtchnPort>())).Returns(EvtchnFault.Delay(2_000_000));

        Assert.That(_guest.Hypercalls.EventChannel.Send(second), Is.EqualTo(Errno.Ok));
        Assert.That(_guest.Hypercalls.EventChannel.Send(first), Is.EqualTo(Errno.Ok));
        _scheduler.RunFor(TimeSpan.FromMilliseconds(1));
        bool earlyFirst = EventTestBed.IsPending(_machine.Dom0, firstPeer);
        _scheduler.RunFor(TimeSpan.FromMilliseconds(2));
        Assert.Multiple(() =>
        {
            Assert.That(earlyFirst, Is.False, "held back for 2 ms");
            Assert.That(EventTestBed.IsPending(_machine.Dom0, firstPeer), Is.True);
            Assert.That(EventTestBed.IsPending(_machine.Dom0, secondPeer), Is.True);
        });
    }

    [Test]
    public void ACopyAnsweredByTheHookTouchesNeitherSide()
    {
        Gfn source = new(0x10), dest = new(0x11);
        _guest.Memory.Page(source)[0] = 0xAA;
        _guest.Memory.Page(dest)[0] = 0x55;
        _hooks.Setup(h => h.CopyGrant(_guest, It.Ref<GnttabCopy>.IsAny)).Returns(GntSt.Eagain);
        GnttabCopy[] ops = [new() { Source = GnttabCopyPtr.Frame(source, 0), Dest = GnttabCopyPtr.Frame(dest, 0), Len = 1 }];

        _guest.Hypercalls.GrantTable.Copy(ops);

        Assert.Multiple(() =>
        {
            Assert.That(ops[0].Status, Is.EqualTo(GntSt.Eagain));
            Assert.That(_guest.Memory.Page(dest)[0], Is.EqualTo(0x55));
        });
    }

    [Test]
    public void ACopyTheHookLetsThroughIsDone()
    {
        Gfn source = new(0x10), dest = new(0x11);
        _guest.Memory.Page(source)[0] = 0xAA;
        _hooks.Setup(h => h.CopyGrant(_guest, It.Ref<GnttabCopy>.IsAny)).Returns(GntSt.Okay);
        GnttabCopy[] ops = [new() { Source = GnttabCopyPtr.Frame(source, 0), Dest = GnttabCopyPtr.Frame(dest, 0), Len = 1 }];

        _guest.Hypercalls.GrantTable.Copy(ops);

        Assert.That((ops[0].Status, _guest.Memory.Page(dest)[0]), Is.EqualTo((GntSt.Okay, (byte)0xAA)));
    }

    [Test]
    public void AMapAnsweredByTheHookTakesNoHandle()
    {
        _hooks.Setup(h => h.MapGrant(_machine.Dom0, It.Ref<GnttabMapGrantRef>.IsAny)).Returns(GntSt.NoDeviceSpace);
        GnttabMapGrantRef[] ops = [new() { Dom = _guest.Id, Ref = new GrantRef(8), Flags = GntMapFlags.HostMap, HostAddr = 0 }];

        _machine.Dom0.Hypercalls.GrantTable.MapGrantRef(ops);

        Assert.Multiple(() =>
        {
            Assert.That(ops[0].Status, Is.EqualTo(GntSt.NoDeviceSpace));
            Assert.That(_machine.Outstanding(), Is.Empty);
        });
    }

    [Test]
    public void AStruckTransactionEndEndsTheTransaction()
    {
        var core = new XenStoreCore { Faults = _hooks.Object };
        using var client = new XsHostClient(core);
        _hooks.Setup(h => h.XenStoreRequest(It.IsAny<XsConnection>(), It.IsAny<XsdSockmsgType>(), It.IsAny<string>())).Returns(Errno.Ok);
        _hooks.Setup(h => h.XenStoreRequest(client.Connection, XsdSockmsgType.TransactionEnd, "")).Returns(Errno.EAGAIN);
        _hooks.Setup(h => h.XenStoreRequest(client.Connection, XsdSockmsgType.Write, "/x")).Returns(Errno.ENOSPC);

        Assert.That(client.TransactionStart(out uint tx), Is.EqualTo(Errno.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(client.Write("/x", "1", tx), Is.EqualTo(Errno.ENOSPC), "the absolute path is what the hook sees");
            Assert.That(client.Write("/y", "1", tx), Is.EqualTo(Errno.Ok));
            Assert.That(core.TransactionCount, Is.EqualTo(1));
            Assert.That(client.TransactionEnd(tx, commit: true), Is.EqualTo(Errno.EAGAIN));
            Assert.That(core.TransactionCount, Is.Zero, "the id is dead, as after a failed commit");
            Assert.That(client.Read("/y", out _), Is.EqualTo(Errno.ENOENT), "nothing was committed");
        });
    }
}
