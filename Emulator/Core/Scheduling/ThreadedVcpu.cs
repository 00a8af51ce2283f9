using System.Collections.Concurrent;
using XvifSim.Public;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// One vCPU of a <see cref="ThreadedScheduler"/>: a FIFO of work and one
/// timer, run by whichever pCPU takes it from a run queue. As in the
/// deterministic scheduler, a due timer runs before queued work (a timer
/// interrupt preempts a busy guest).
/// <para>
/// Posting is the data path (every event a ring notification raises), so it
/// takes no lock: the FIFO is lock-free, and only the post that finds the
/// vCPU idle puts it on a run queue (Xen's vcpu_wake inserting a woken vCPU
/// into a credit2 run queue, runq_insert). The <see cref="_scheduled"/>
/// token, taken by that post and given back only when a turn ends with
/// nothing left, is what keeps the vCPU on at most one run queue or pCPU at
/// a time: it is never run on two pCPUs at once.
/// </para>
/// </summary>
internal sealed class ThreadedVcpu : IVcpuContext
{
    /// <summary>
    /// Items one turn may run before the vCPU goes to the back of the run
    /// queue, so that a vCPU that always has work (a flood, a guest that
    /// reposts itself) cannot starve the others on its pCPU: credit2's
    /// time slice, counted in items because reading the clock per item would
    /// cost more than most items.
    /// </summary>
    public const int BatchItems = 32;

    [ThreadStatic]
    private static ThreadedVcpu? t_current;

    private readonly ThreadedScheduler _scheduler;
    private readonly Action<Exception> _onFault;
    private readonly string _name;
    private readonly ConcurrentQueue<Action> _work = new();

    /// <summary>1 from the post that queues the vCPU until a turn ends with no work and no due timer.</summary>
    private int _scheduled;

    /// <summary>1 while a pCPU is inside <see cref="RunTurn"/> for this vCPU.</summary>
    private int _running;
    private volatile bool _shutdown;
    private volatile Pcpu _home;

    // Guarded by the scheduler's timer lock (VcpuTimers.SyncRoot); read
    // without it only as a hint, then confirmed under it.
    private Action? _timerCallback;
    private ulong _timerDeadlineNs;

    public ThreadedVcpu(DomId domain, ThreadedScheduler scheduler, Pcpu home, Action<Exception> onFault)
    {
        _scheduler = scheduler;
        _onFault = onFault;
        _home = home;
        _name = $"vcpu {domain}";
    }

    /// <summary>The vCPU whose work the calling thread is running now, or null outside a turn.</summary>
    public static ThreadedVcpu? Current => t_current;

    public ThreadedScheduler Scheduler => _scheduler;

    /// <summary>The pCPU whose run queue a wake-up puts the vCPU on: where it last ran (credit2 keeps a vCPU on its run queue's pCPUs for their caches).</summary>
    public Pcpu Home => _home;

    public bool IsShutdown => _shutdown;

    public bool IsRunning
    {
        get
        {
            // Pairs with the exchange in RunTurn (a Dekker handshake): a caller
            // that set _shutdown and then reads 0 here knows any turn that starts
            // later sees _shutdown before running an item.
            Interlocked.MemoryBarrier();
            return Volatile.Read(ref _running) != 0;
        }
    }

    public bool IsCurrent => t_current == this;

    /// <summary>The deadline of the timer heap's entry for this vCPU (ulong.MaxValue: none). Timer lock held.</summary>
    public ulong QueuedTimerNs { get; set; } = ulong.MaxValue;

    /// <summary>True when the timer is armed. Timer lock held.</summary>
    public bool TimerArmed => _timerCallback is not null;

    /// <summary>The armed timer's deadline. Timer lock held.</summary>
    public ulong TimerDeadlineNs => _timerDeadlineNs;

    public void Post(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);

        // A dead vCPU ignores posts: a peer's notification racing with
        // domain destruction is normal, not a host error.
        if (_shutdown)
        {
            return;
        }

        _work.Enqueue(work);
        Wake();
    }

    public void SetTimer(ulong deadlineNs, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        bool earliest;
        lock (_scheduler.Timers.SyncRoot)
        {
            if (_shutdown)
            {
                return;
            }

            _timerDeadlineNs = deadlineNs;
            _timerCallback = callback;
            earliest = _scheduler.Timers.Arm(this, deadlineNs);
        }

        if (earliest)
        {
            // A sleeping pCPU sleeps until the earliest deadline it saw: let one recompute it.
            _scheduler.WakeSleeper();
        }
    }

    public void CancelTimer()
    {
        lock (_scheduler.Timers.SyncRoot)
        {
            // The heap entry stays; when it comes due it finds nothing armed.
            _timerCallback = null;
        }
    }

    /// <summary>Stops the vCPU without waiting for anything, so that it is safe from the vCPU itself (Machine.Crash runs there).</summary>
    public void Shutdown()
    {
        lock (_scheduler.Timers.SyncRoot)
        {
            if (_shutdown)
            {
                return;
            }

            _shutdown = true;
            _timerCallback = null;
            _scheduler.Timers.Forget(this);
        }

        // Posts that raced past the check are dropped by the turn, which runs nothing once shut down.
        _work.Clear();
        _scheduler.Forget(this);
    }

    /// <summary>Takes the token and queues the vCPU if it is idle; a vCPU already queued or running will see the new work itself.</summary>
    public void Wake()
    {
        // CompareExchange, not a plain read first: its full fence orders the
        // enqueue before the check, pairing with the exchange in RunTurn, so
        // either the turn sees the work or this sees the token free.
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            _scheduler.Enqueue(this);
        }
    }

    /// <summary>
    /// Runs up to <see cref="BatchItems"/> items on <paramref name="pcpu"/>.
    /// True when the batch ran out with the token still held: the caller
    /// queues the vCPU again. False when it went idle (token given back) or
    /// was shut down (token kept, so that it is never queued again).
    /// </summary>
    public bool RunTurn(Pcpu pcpu)
    {
        _home = pcpu;
        t_current = this;
        Interlocked.Exchange(ref _running, 1);
        try
        {
            for (int ran = 0; ran < BatchItems; ran++)
            {
                if (_shutdown)
                {
                    return false;
                }

                Action? item = TakeDueTimer();
                if (item is null && !_work.TryDequeue(out item))
                {
                    // Give the token back, then look once more: a post that came
                    // after the dequeue found nothing saw the token held and did
                    // not queue the vCPU.
                    Interlocked.Exchange(ref _scheduled, 0);
                    if ((_work.IsEmpty && !TimerDue()) || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
                    {
                        return false;
                    }

                    continue;
                }

                // Outside any lock: the item may post to this vCPU, arm its
                // timer, and onFault (Machine.Crash) shuts the vCPU down.
                try
                {
                    item();
                }
                catch (Exception exception)
                {
                    _onFault(exception);
                }
            }

            return !_shutdown;
        }
        finally
        {
            t_current = null;
            Volatile.Write(ref _running, 0);
        }
    }

    public override string ToString() => _name;

    private bool TimerDue() => Volatile.Read(ref _timerCallback) is not null && Volatile.Read(ref _timerDeadlineNs) <= _scheduler.NowNs;

    private Action? TakeDueTimer()
    {
        if (!TimerDue())
        {
            return null;
        }

        lock (_scheduler.Timers.SyncRoot)
        {
            if (_timerCallback is { } callback && _timerDeadlineNs <= _scheduler.NowNs)
            {
                _timerCallback = null;
                return callback;
            }

            return null;
        }
    }
}
