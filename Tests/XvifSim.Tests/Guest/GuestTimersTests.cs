using XvifSim.Emulator;
using XvifSim.Emulator.Scheduling;
using XvifSim.Guest;
using XvifSim.Guest.Timers;

namespace XvifSim.Tests.Guest;

/// <summary>Software timers over VIRQ_TIMER: deadline order, stop, re-arm, and the port held only while one is armed.</summary>
public class GuestTimersTests
{
    [Test]
    public void TimersFireInDeadlineOrderAndReleaseTheVirqWhenIdle()
    {
        using var machine = new Machine(new DeterministicScheduler(1), new MachineOptions { XenStore = false });
        var kernel = new GuestKernel(machine.Dom0.Hypercalls, "dom0");
        var fired = new List<string>();
        GuestTimer late = null!, early = null!, stopped = null!;
        kernel.Run(() =>
        {
            late = kernel.Timers.Create(() => fired.Add($"late@{kernel.Hypercalls.Vcpu.SystemTimeNs / 1_000_000}"));
            early = kernel.Timers.Create(() => fired.Add($"early@{kernel.Hypercalls.Vcpu.SystemTimeNs / 1_000_000}"));
            stopped = kernel.Timers.Create(() => fired.Add("stopped"));
            Assert.That(late.Start(TimeSpan.FromMilliseconds(300)), Is.EqualTo(XvifSim.Public.Errno.Ok));
            early.Start(TimeSpan.FromMilliseconds(100));
            stopped.Start(TimeSpan.FromMilliseconds(200));
            stopped.Stop();
        });
        machine.Scheduler.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.That(machine.Outstanding(), Has.Some.Contains("virq 0"), "VIRQ_TIMER bound while timers are armed");

        machine.Scheduler.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(fired, Is.EqualTo(new[] { "early@100", "late@300" }));
        Assert.That(kernel.Timers.Armed, Is.Zero);
        Assert.That(machine.Outstanding(), Is.Empty, "VIRQ_TIMER closed once nothing is armed");
    }
}
