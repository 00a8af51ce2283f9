using XvifSim.Public;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// Runs every vCPU on the caller's thread with a virtual clock, so that a run
/// with the same seed and the same inputs interleaves identically (docs/design.md, "Execution model":
/// same seed, byte-identical pcaps and logs).
/// <para>
/// One step runs one item and then advances the clock by <see cref="StepNs"/>.
/// The item is chosen in this order:
/// 1. a timer already due (deadline at or before now), earliest deadline first,
///    ties to the vCPU created first. A due timer runs before queued work, as a
///    timer interrupt preempts a busy guest, so VIRQ_TIMER is never starved by
///    a vCPU that always has work;
/// 2. otherwise one work item from a vCPU with queued work, the vCPU drawn by a
///    <see cref="Random"/> seeded with <see cref="Seed"/> from the runnable
///    vCPUs in creation order;
/// 3. otherwise (all idle) the clock jumps to the earliest timer deadline and
///    that timer runs, seeing <see cref="NowNs"/> equal to its deadline.
/// </para>
/// <para>
/// Items are only started before the end of the current run, and the clock is
/// never advanced past that end, so time never goes backwards when
/// <see cref="RunFor"/> sets it to exactly the end.
/// </para>
/// <para>
/// Work may be posted from any thread (a host thread such as the XenStore
/// socket server), but it only runs inside <see cref="RunUntil"/> or
/// <see cref="RunFor"/>; a run that finds nothing to do returns rather than
/// waiting for such a post. Inputs from other threads make the interleaving
/// depend on their timing, as they must.
/// </para>
/// </summary>
public sealed class DeterministicScheduler : IScheduler
{
    /// <summary>The virtual cost of one item when none is given: 1 µs.</summary>
    public const ulong DefaultStepNs = 1000;

    private readonly Lock _lock = new();
    private readonly List<DeterministicVcpu> _vcpus = [];

    // The vCPUs with queued work, kept in creation order as they gain and lose
    // work, so that a step draws from them without walking every vCPU (with
    // 1,000 guests that walk dominated a run) and draws exactly what the walk
    // would have given.
    private readonly List<DeterministicVcpu> _runnable = [];
    private readonly Random _random;
    private long _created;
    private ulong _nowNs;
    private int _running;
    private int _runThreadId;
    private volatile DeterministicVcpu? _current;
    private bool _disposed;

    /// <summary>A scheduler whose interleaving is fixed by <paramref name="seed"/>.</summary>
    /// <param name="seed">Seeds the choice of the next runnable vCPU.</param>
    /// <param name="stepNs">Virtual nanoseconds one work item takes.</param>
    public DeterministicScheduler(int seed, ulong stepNs = DefaultStepNs)
    {
        ArgumentOutOfRangeException.ThrowIfZero(stepNs);
        Seed = seed;
        StepNs = stepNs;
        _random = new Random(seed);
    }

    /// <summary>The seed the interleaving follows.</summary>
    public int Seed { get; }

    /// <summary>Virtual nanoseconds one item takes.</summary>
    public ulong StepNs { get; }

    // Written only by the running thread; read from any (XenConsole stamps lines from host threads).
    /// <inheritdoc/>
    public ulong NowNs => Volatile.Read(ref _nowNs);

    /// <inheritdoc/>
    public IVcpuContext CreateVcpu(DomId domain, Action<Exception> onFault)
    {
        ArgumentNullException.ThrowIfNull(onFault);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var vcpu = new DeterministicVcpu(domain, this, onFault, _created++);
            _vcpus.Add(vcpu);
            return vcpu;
        }
    }

    /// <summary>
    /// Steps until <paramref name="condition"/> holds (checked before every step),
    /// until <paramref name="limit"/> of virtual time has passed, or until nothing
    /// is left to run before the limit. Then the clock stays where the last item
    /// left it; <see cref="RunFor"/>, by contrast, lets the idle time pass.
    /// </summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ulong endNs = SchedulerTime.AddSaturating(NowNs, SchedulerTime.ToNs(limit, nameof(limit)));
        EnterRun();
        try
        {
            while (!condition())
            {
                if (!TryStep(endNs))
                {
                    return condition();
                }
            }

            return true;
        }
        finally
        {
            Volatile.Write(ref _runThreadId, 0);
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Steps until the clock reaches now + <paramref name="span"/>, then sets it to exactly that: idle time passes too.</summary>
    public void RunFor(TimeSpan span)
    {
        ulong endNs = SchedulerTime.AddSaturating(NowNs, SchedulerTime.ToNs(span, nameof(span)));
        EnterRun();
        try
        {
            while (TryStep(endNs))
            {
            }

            Volatile.Write(ref _nowNs, endNs);
        }
        finally
        {
            Volatile.Write(ref _runThreadId, 0);
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Shuts every vCPU down; later posts are ignored and runs refused.</summary>
    public void Dispose()
    {
        DeterministicVcpu[] vcpus;
        lock (_lock)
        {
            _disposed = true;
            vcpus = [.. _vcpus];
        }

        foreach (DeterministicVcpu vcpu in vcpus)
        {
            vcpu.Shutdown();
        }
    }

    /// <summary>The vCPU whose item is running now, or null between items.</summary>
    internal DeterministicVcpu? Current => _current;

    /// <summary>True on the thread inside <see cref="RunUntil"/> or <see cref="RunFor"/>.</summary>
    internal bool IsRunThread => Volatile.Read(ref _runThreadId) == Environment.CurrentManagedThreadId;

    /// <summary>The lock that guards the scheduler and the state of all its vCPUs.</summary>
    internal Lock SyncRoot => _lock;

    /// <summary>Drops a shut-down vCPU so that domains created and destroyed over a long run cost nothing per step. Lock held.</summary>
    internal void Forget(DeterministicVcpu vcpu) => _vcpus.Remove(vcpu);

    /// <summary>The armed timers, earliest first. Lock held.</summary>
    internal DeterministicTimerHeap Timers { get; } = new();

    /// <summary>A vCPU's queue went from empty to one item. Lock held.</summary>
    internal void Runnable(DeterministicVcpu vcpu)
    {
        int at = _runnable.BinarySearch(vcpu, CreationOrder.Instance);
        if (at < 0)
        {
            _runnable.Insert(~at, vcpu);
        }
    }

    /// <summary>A vCPU's queue became empty. Lock held.</summary>
    internal void Idle(DeterministicVcpu vcpu)
    {
        int at = _runnable.BinarySearch(vcpu, CreationOrder.Instance);
        if (at >= 0)
        {
            _runnable.RemoveAt(at);
        }
    }

    /// <summary>
    /// Runs are single-threaded by construction: a second run from another thread
    /// or from inside a work item would break both the ordering and the "never
    /// run a post inline" rule, so it is host misuse.
    /// </summary>
    private void EnterRun()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            throw new InvalidOperationException("the deterministic scheduler is already running (re-entered from work or from another thread)");
        }

        Volatile.Write(ref _runThreadId, Environment.CurrentManagedThreadId);
    }

    /// <summary>Runs one item that starts before <paramref name="endNs"/>. False when there is none.</summary>
    private bool TryStep(ulong endNs)
    {
        DeterministicVcpu? vcpu;
        Action item;
        lock (_lock)
        {
            if (_nowNs >= endNs)
            {
                return false;
            }

            vcpu = EarliestTimer();
            if (vcpu is not null && vcpu.TimerDeadlineNs <= _nowNs)
            {
                item = vcpu.TakeTimer();
            }
            else if (PickRunnable() is { } runnable)
            {
                vcpu = runnable;
                item = vcpu.DequeueWork();
            }
            else if (vcpu is not null && vcpu.TimerDeadlineNs < endNs)
            {
                Volatile.Write(ref _nowNs, vcpu.TimerDeadlineNs);
                item = vcpu.TakeTimer();
            }
            else
            {
                return false;
            }

            // Under the lock that Shutdown takes: a vCPU shut down after this
            // still counts as running until its item returns (IsRunning).
            _current = vcpu;
        }

        // Outside the lock: the item may post, arm timers or shut vCPUs down,
        // and onFault (Machine.Crash) shuts its own vCPU down.
        try
        {
            item();
        }
        catch (Exception exception)
        {
            vcpu.Fault(exception);
        }
        finally
        {
            _current = null;
        }

        Volatile.Write(ref _nowNs, Math.Min(SchedulerTime.AddSaturating(_nowNs, StepNs), endNs));
        return true;
    }

    /// <summary>The vCPU whose armed timer is earliest; the first created wins a tie. Lock held.</summary>
    private DeterministicVcpu? EarliestTimer() => Timers.Earliest;

    /// <summary>Draws one vCPU with queued work, in creation order, from the seeded generator, or null when all are idle. Lock held.</summary>
    private DeterministicVcpu? PickRunnable() => _runnable.Count == 0 ? null : _runnable[_random.Next(_runnable.Count)];
}
