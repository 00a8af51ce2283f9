using XvifSim.Public;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// Runs every domain's vCPU. Two implementations behave the same to a guest:
/// <see cref="DeterministicScheduler"/> (one thread, virtual clock, a seed
/// that fixes the interleaving) and <see cref="ThreadedScheduler"/> (a pool
/// of pCPU threads that run the vCPUs, real time).
/// </summary>
public interface IScheduler : IDisposable
{
    /// <summary>Nanoseconds since the scheduler started: Xen system time.</summary>
    ulong NowNs { get; }

    /// <summary>Creates a vCPU for <paramref name="domain"/>. <paramref name="onFault"/> is told of an exception thrown by work run on it.</summary>
    IVcpuContext CreateVcpu(DomId domain, Action<Exception> onFault);

    /// <summary>
    /// Runs vCPUs until <paramref name="condition"/> holds or <paramref name="limit"/>
    /// of scheduler time has passed. Returns whether the condition held.
    /// The condition is evaluated between work items (deterministic) or polled (threaded).
    /// </summary>
    bool RunUntil(Func<bool> condition, TimeSpan limit);

    /// <summary>Runs vCPUs for <paramref name="span"/> of scheduler time.</summary>
    void RunFor(TimeSpan span);
}
