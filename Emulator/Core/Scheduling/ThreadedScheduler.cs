using System.Diagnostics;
using XvifSim.Public;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// Runs vCPUs on a fixed pool of pCPU worker threads in real time
/// (nanoseconds since construction), for throughput and race testing
/// (docs/design.md, "Execution model"), as Xen's credit2 scheduler runs many
/// vCPUs on few physical CPUs: a vCPU that gets work while idle is put on a
/// pCPU's run queue (no thread is woken per event unless a pCPU sleeps), an
/// idle pCPU steals from the others' queues, a vCPU runs on one pCPU at a
/// time and for a bounded batch of items per turn, then goes to the back of
/// the queue if it has more. vCPUs run as soon as work is posted, not only
/// inside <see cref="RunUntil"/> or <see cref="RunFor"/>: those merely let
/// the host wait while they run.
/// </summary>
public sealed class ThreadedScheduler : IScheduler
{
    /// <summary>The most pCPUs a scheduler takes: far more threads than any machine this runs on has cores would only add switching.</summary>
    public const int MaxPcpus = 256;

    /// <summary>How long <see cref="Dispose"/> waits in total for the pCPU threads to end. A thread stuck in guest work is abandoned: it is a background thread, so it cannot hold the process open.</summary>
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(5);

    // Spins before RunUntil falls back to 1 ms sleeps: a condition that is met
    // within microseconds is seen at once without burning a core for long.
    private const int PollSpins = 50;

    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private readonly Lock _lock = new();
    private readonly List<ThreadedVcpu> _vcpus = [];
    private readonly Pcpu[] _pcpus;
    private int _nextHome;
    private int _sleepers;
    private volatile bool _stopping;
    private bool _disposed;

    /// <summary>A scheduler with one pCPU per core (<see cref="Environment.ProcessorCount"/>).</summary>
    public ThreadedScheduler()
        : this(Environment.ProcessorCount)
    {
    }

    /// <summary>A scheduler whose vCPUs share <paramref name="pcpus"/> worker threads.</summary>
    /// <param name="pcpus">pCPUs (worker threads), 1 to <see cref="MaxPcpus"/>.</param>
    public ThreadedScheduler(int pcpus)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pcpus, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pcpus, MaxPcpus);
        _pcpus = new Pcpu[pcpus];
        for (int i = 0; i < pcpus; i++)
        {
            _pcpus[i] = new Pcpu(this, i);
        }

        foreach (Pcpu pcpu in _pcpus)
        {
            pcpu.Start();
        }
    }

    /// <summary>How many pCPUs (worker threads) run the vCPUs.</summary>
    public int Pcpus => _pcpus.Length;

    /// <inheritdoc/>
    public ulong NowNs => SchedulerTime.TimestampToNs(Stopwatch.GetTimestamp() - _startTimestamp);

    /// <summary>The armed timers of every vCPU.</summary>
    internal VcpuTimers Timers { get; } = new();

    /// <summary>True once Dispose began: the workers end.</summary>
    internal bool Stopping => _stopping;

    /// <inheritdoc/>
    public IVcpuContext CreateVcpu(DomId domain, Action<Exception> onFault)
    {
        ArgumentNullException.ThrowIfNull(onFault);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Spread new vCPUs over the pCPUs; after its first turn a vCPU's home is where it last ran.
            var vcpu = new ThreadedVcpu(domain, this, _pcpus[_nextHome], onFault);
            _nextHome = (_nextHome + 1) % _pcpus.Length;
            _vcpus.Add(vcpu);
            return vcpu;
        }
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

    /// <summary>Shuts every vCPU down, stops the pCPUs and joins their threads, except the calling one if Dispose runs on a vCPU.</summary>
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

        _stopping = true;
        foreach (Pcpu pcpu in _pcpus)
        {
            pcpu.WakeIfSleeping();
        }

        var waited = Stopwatch.StartNew();
        foreach (Pcpu pcpu in _pcpus)
        {
            if (pcpu.Thread != Thread.CurrentThread)
            {
                TimeSpan left = JoinTimeout - waited.Elapsed;
                pcpu.Thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
        }
    }

    /// <summary>Drops a shut-down vCPU so that Dispose does not shut it down again.</summary>
    internal void Forget(ThreadedVcpu vcpu)
    {
        lock (_lock)
        {
            _vcpus.Remove(vcpu);
        }
    }

    /// <summary>
    /// Puts a woken vCPU (its token just taken) on its home pCPU's run queue
    /// and tickles a pCPU to run it: the home if it sleeps; else, if the home
    /// is busy with another vCPU, a sleeping pCPU, which will steal it. A
    /// spinning home takes it without a wake-up.
    /// </summary>
    internal void Enqueue(ThreadedVcpu vcpu)
    {
        Pcpu home = vcpu.Home;
        home.RunQueue.Enqueue(vcpu);
        if (!home.WakeIfSleeping() && home.IsBusy)
        {
            WakeSleeper();
        }
    }

    /// <summary>
    /// Puts a vCPU whose batch ran out (token still held) at the back of
    /// <paramref name="pcpu"/>'s queue. Only if others wait there too is a
    /// sleeping pCPU woken to share them: a lone busy vCPU simply runs again
    /// here, rather than bouncing between two pCPUs at a wake-up each turn.
    /// </summary>
    internal void Requeue(ThreadedVcpu vcpu, Pcpu pcpu)
    {
        bool othersWait = !pcpu.RunQueue.IsEmpty;
        pcpu.RunQueue.Enqueue(vcpu);
        if (othersWait)
        {
            WakeSleeper();
        }
    }

    /// <summary>Wakes one sleeping pCPU, if any sleeps.</summary>
    internal void WakeSleeper()
    {
        if (Volatile.Read(ref _sleepers) == 0)
        {
            return;
        }

        foreach (Pcpu pcpu in _pcpus)
        {
            if (pcpu.WakeIfSleeping())
            {
                return;
            }
        }
    }

    /// <summary>Counts pCPUs going to sleep (+1) and waking (-1).</summary>
    internal void AddSleeper(int delta) => Interlocked.Add(ref _sleepers, delta);

    /// <summary>The next vCPU for <paramref name="pcpu"/>: the head of its own run queue, else one stolen from another pCPU's, starting with the next one so that thieves spread out.</summary>
    internal ThreadedVcpu? TakeRunnable(Pcpu pcpu)
    {
        if (pcpu.RunQueue.TryDequeue(out ThreadedVcpu? vcpu))
        {
            return vcpu;
        }

        for (int i = 1; i < _pcpus.Length; i++)
        {
            if (_pcpus[(pcpu.Index + i) % _pcpus.Length].RunQueue.TryDequeue(out vcpu))
            {
                return vcpu;
            }
        }

        return null;
    }

    /// <summary>True when any run queue holds a vCPU: a pCPU about to sleep would steal it instead.</summary>
    internal bool AnyRunnable()
    {
        foreach (Pcpu pcpu in _pcpus)
        {
            if (!pcpu.RunQueue.IsEmpty)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Waiting on a pCPU's thread would stall it, and every vCPU queued
    /// behind it, for the whole wait, so it is host misuse.
    /// </summary>
    private void EnsureHostThread()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        if (ThreadedVcpu.Current?.Scheduler == this)
        {
            throw new InvalidOperationException("RunUntil/RunFor called from a vCPU of the same scheduler");
        }
    }
}
