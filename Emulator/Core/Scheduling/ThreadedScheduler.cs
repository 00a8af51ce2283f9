using System.Diagnostics;
using XvifSim.Public;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// Gives each vCPU its own thread and runs on real time (nanoseconds since
/// construction), for throughput and race testing (docs/design.md, "Execution model"). vCPUs run as
/// soon as work is posted, not only inside <see cref="RunUntil"/> or
/// <see cref="RunFor"/>: those merely let the host wait while they run.
/// </summary>
public sealed class ThreadedScheduler : IScheduler
{
    /// <summary>How long <see cref="Dispose"/> waits in total for vCPU threads to end. A thread stuck in guest work is abandoned: it is a background thread, so it cannot hold the process open.</summary>
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(5);

    // Spins before RunUntil falls back to 1 ms sleeps: a condition that is met
    // within microseconds is seen at once without burning a core for long.
    private const int PollSpins = 50;

    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private readonly Lock _lock = new();
    private readonly List<ThreadedVcpu> _vcpus = [];
    private bool _disposed;

    /// <inheritdoc/>
    public ulong NowNs => SchedulerTime.TimestampToNs(Stopwatch.GetTimestamp() - _startTimestamp);

    /// <inheritdoc/>
    public IVcpuContext CreateVcpu(DomId domain, Action<Exception> onFault)
    {
        ArgumentNullException.ThrowIfNull(onFault);
        var vcpu = new ThreadedVcpu(domain, this, onFault);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _vcpus.Add(vcpu);

            // Started under the lock so that Dispose never sees, and tries to
            // join, a thread that has not been started yet.
            vcpu.Start();
        }

        return vcpu;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="limit"/> of real time has passed.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ulong endNs = SchedulerTime.AddSaturating(NowNs, SchedulerTime.ToNs(limit, nameof(limit)));
        EnsureHostThread();
        var spinner = default(SpinWait);
        while (!condition())
        {
            if (NowNs >= endNs)
            {
                return condition();
            }

            if (spinner.Count < PollSpins)
            {
                // -1: never let SpinWait itself sleep; the sleep below is the only one.
                spinner.SpinOnce(sleep1Threshold: -1);
            }
            else
            {
                Thread.Sleep(1);
            }
        }

        return true;
    }

    /// <summary>Sleeps the calling (host) thread for <paramref name="span"/> while the vCPUs run.</summary>
    public void RunFor(TimeSpan span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(span, TimeSpan.Zero);
        EnsureHostThread();
        Thread.Sleep(span);
    }

    /// <summary>Shuts every vCPU down and joins their threads, except the calling one if Dispose runs on a vCPU.</summary>
    public void Dispose()
    {
        ThreadedVcpu[] vcpus;
        lock (_lock)
        {
            _disposed = true;
            vcpus = [.. _vcpus];
        }

        foreach (ThreadedVcpu vcpu in vcpus)
        {
            vcpu.Shutdown();
        }

        var waited = Stopwatch.StartNew();
        foreach (ThreadedVcpu vcpu in vcpus)
        {
            if (vcpu.Thread != Thread.CurrentThread)
            {
                TimeSpan left = JoinTimeout - waited.Elapsed;
                vcpu.Thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
        }
    }

    /// <summary>Drops a shut-down vCPU so that Dispose does not wait for it again.</summary>
    internal void Forget(ThreadedVcpu vcpu)
    {
        lock (_lock)
        {
            _vcpus.Remove(vcpu);
        }
    }

    /// <summary>
    /// Waiting on a vCPU's own thread would stall that vCPU for the whole wait
    /// (its queue cannot advance), so it is host misuse.
    /// </summary>
    private void EnsureHostThread()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        if (ThreadedVcpu.Current?.Scheduler == this)
        {
            throw new InvalidOperationException("RunUntil/RunFor called from a vCPU thread of the same scheduler");
        }
    }
}
