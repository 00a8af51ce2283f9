using XvifSim.Emulator.Scheduling;
using XvifSim.Guest;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// Runs work on a domain's vCPU and waits for it: interfaces, stacks and
/// drivers are used only on their own vCPU, so a scenario that configures
/// one (an MTU, a bound port) or reads a consistent snapshot goes through here.
/// </summary>
internal static class VcpuWork
{
    /// <summary>
    /// Long enough for a loaded host under the threaded scheduler: a vCPU
    /// that has not run queued work after this is hung, a broken invariant.
    /// </summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    /// <summary>Queues <paramref name="work"/> on <paramref name="kernel"/>'s vCPU and runs the scheduler until it has run.</summary>
    public static void Run(IScheduler scheduler, GuestKernel kernel, Action work)
    {
        bool done = false;
        kernel.Run(() =>
        {
            work();
            Volatile.Write(ref done, true);
        });
        if (!scheduler.RunUntil(() => Volatile.Read(ref done), Limit))
        {
            throw new InvalidOperationException($"{kernel.Name}'s vCPU did not run queued work within {Limit.TotalSeconds} s");
        }
    }

    /// <summary>As <see cref="Run"/>, returning what <paramref name="work"/> computed.</summary>
    public static T Get<T>(IScheduler scheduler, GuestKernel kernel, Func<T> work)
    {
        T result = default!;
        Run(scheduler, kernel, () => result = work());
        return result;
    }
}
