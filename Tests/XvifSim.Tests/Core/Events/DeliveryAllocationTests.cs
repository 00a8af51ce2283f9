using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Guest;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

/// <summary>docs/design.md, "No allocation per frame": an event (send, kick, upcall, handler) is on every frame's path and allocates nothing.</summary>
public class DeliveryAllocationTests
{
    [Test]
    public void SendKickAndUpcallAllocateNothing()
    {
        using var machine = new Machine(new DeterministicScheduler(seed: 1), new MachineOptions { XenStore = false });
        Domain guestDomain = machine.CreateDomain(new DomainConfig("guest1"));
        var guest = new GuestKernel(guestDomain.Hypercalls, "guest1");
        var alloc = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = DomId.Dom0 };
        Assert.That(guest.Hypercalls.EventChannel.AllocUnbound(ref alloc), Is.EqualTo(Errno.Ok));
        var bind = new EvtchnBindInterdomain { RemoteDom = guestDomain.Id, RemotePort = alloc.Port };
        Assert.That(machine.Dom0.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.Ok));
        long delivered = 0;
        guest.Events.Bind(alloc.Port, _ => delivered++);
        IEventChannelOps dom0 = machine.Dom0.Hypercalls.EventChannel;
        Func<bool> idle = () => false;

        void Round()
        {
            for (int i = 0; i < 1000; i++)
            {
                dom0.Send(bind.LocalPort);
                machine.Scheduler.RunUntil(idle, TimeSpan.FromMilliseconds(1));
            }
        }

        Round();
        long allocated = Allocation.Least(Round);

        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.Zero);
            Assert.That(delivered, Is.GreaterThanOrEqualTo(2000));
        });
    }
}
