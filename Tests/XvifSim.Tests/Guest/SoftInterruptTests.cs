using XvifSim.Emulator;
using XvifSim.Emulator.Scheduling;
using XvifSim.Guest;

namespace XvifSim.Tests.Guest;

/// <summary>softint(9): runs after the work already queued, once per batch of schedules, and allocates nothing to schedule.</summary>
public class SoftInterruptTests
{
    [Test]
    public void ScheduledManyTimesItRunsOnceAfterTheCurrentWork()
    {
        using var machine = new Machine(new DeterministicScheduler(1), new MachineOptions { XenStore = false });
        var kernel = new GuestKernel(machine.Dom0.Hypercalls, "dom0");
        var order = new List<string>();
        SoftInterrupt softint = kernel.EstablishSoftInterrupt(() => order.Add("softint"));
        kernel.Run(() =>
        {
            Assert.That(softint.IsScheduled, Is.False);
            softint.Schedule();
            Assert.That(softint.IsScheduled, Is.True);
            order.Add("burst 1");
            softint.Schedule();
            order.Add("burst 2");
        });
        machine.Scheduler.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.That(softint.IsScheduled, Is.False, "cleared when it ran");
        kernel.Run(softint.Schedule);
        machine.Scheduler.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.That(order, Is.EqualTo(new[] { "burst 1", "burst 2", "softint", "softint" }), "once per burst, after it; again when scheduled after it ran");
    }

    [Test]
    public void SchedulingAllocatesNothing()
    {
        using var machine = new Machine(new DeterministicScheduler(1), new MachineOptions { XenStore = false });
        var kernel = new GuestKernel(machine.Dom0.Hypercalls, "dom0");
        int runs = 0;
        SoftInterrupt softint = kernel.EstablishSoftInterrupt(() => runs++);
        Func<bool> idle = () => false;
        void Cycle()
        {
            for (int i = 0; i < 100; i++)
            {
                softint.Schedule();
                machine.Scheduler.RunUntil(idle, TimeSpan.FromMilliseconds(1));
            }
        }

        Cycle();
        Assert.That(Allocation.Least(Cycle), Is.Zero);
        Assert.That(runs, Is.GreaterThanOrEqualTo(200));
    }
}
