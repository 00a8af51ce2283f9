using System.Collections.Concurrent;
using XvifSim.Public;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// One vCPU of a <see cref="ThreadedScheduler"/>: a dedicated background thread
/// that runs its FIFO of work one item at a time and fires its one timer when
/// due. As in the deterministic scheduler, a due timer runs before queued work
/// (a timer interrupt preempts a busy guest). The thread ends when the vCPU is
/// shut down; nothing ever joins from the vCPU's own thread.
/// <para>
/// Posting is the data path (every event a ring notification raises), so it
/// takes no lock: the FIFO is lock-free, and a poster wakes the thread
/// (lock, Monitor.Pulse, a futex call) only if the thread has said it is
/// going to sleep. An idle thread first spins briefly, yielding its core,
/// since the next event of a stream usually comes within microseconds and a
/// sleep and wake-up costs far more.
/// </para>
/// </summary>
internal sealed class ThreadedVcpu : IVcpuContext
{
    [ThreadStatic]
    private static ThreadedVcpu? t_current;

    private readonly ThreadedScheduler _scheduler;
    private readonly Action<Exception> _onFault;
    private readonly Thread _thread;

    // A plain object rather than System.Threading.Lock: the thread sleeps with
    // Monitor.Wait, which Lock does not offer.
    private readonly object _gate = new();
    private readonly ConcurrentQueue<Action> _work = new();

    /// <summary>1 while the thread is in, or about to enter, Monitor.Wait: a poster must pulse.</summary>
    private int _sleeping;
    private Action? _timerCallback;
    private ulong _timerDeadlineNs;
    private volatile bool _shutdown;

    public ThreadedVcpu(DomId domain, ThreadedScheduler scheduler, Action<Exception> onFault)
    {
        _scheduler = scheduler;
        _onFault = onFault;
        // Background so that a work item that never returns cannot keep the process alive at exit.
        _thread = new Thread(Run) { IsBackground = true, Name = $"vcpu {domain}" };
    }

    /// <summary>The vCPU whose thread is the calling thread, or null on any other thread.</summary>
    public static ThreadedVcpu? Current => t_current;

    public ThreadedScheduler Scheduler => _scheduler;

    public Thread Thread => _thread;

    public bool IsShutdown => _shutdown;

    /// <summary>Starts the thread; kept out of the constructor so that the thread never sees a half-built vCPU.</summary>
    public void Start() => _thread.Start();

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

        // Interlocked read: a full fence between the enqueue and the check,
        // paired with the one in Sleep, so either the thread sees the work
        // or this sees it sleeping.
        if (Interlocked.CompareExchange(ref _sleeping, 0, 0) != 0)
        {
            lock (_gate)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    public void SetTimer(ulong deadlineNs, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            if (_shutdown)
            {
                return;
            }

            _timerDeadlineNs = deadlineNs;
            _timerCallback = callback;

            // Wake the thread so that it recomputes how long to sleep.
            Monitor.Pulse(_gate);
        }
    }

    public void CancelTimer()
    {
        lock (_gate)
        {
            _timerCallback = null;
        }
    }

    /// <summary>Stops the vCPU without waiting for its thread, so that it is safe from the vCPU itself (Machine.Crash runs there).</summary>
    public void Shutdown()
    {
        lock (_gate)
        {
            if (_shutdown)
            {
                return;
            }

            _shutdown = true;
            _work.Clear();
            _timerCallback = null;
            Monitor.Pulse(_gate);
        }

        _scheduler.Forget(this);
    }

    public override string ToString() => _thread.Name!;

    private void Run()
    {
        t_current = this;
        while (NextItem() is { } item)
        {
            // Outside the gate: the item may post to this vCPU, and onFault
            // (Machine.Crash) shuts it down.
            try
            {
                item();
            }
            catch (Exception exception)
            {
                _onFault(exception);
            }
        }
    }

    /// <summary>Spins, yielding, this many rounds for new work before going to sleep.</summary>
    private const int IdleSpins = 40;

    /// <summary>Waits until a timer is due or work is queued and takes it; null once shut down.</summary>
    private Action? NextItem()
    {
        var spinner = default(SpinWait);
        while (!_shutdown)
        {
            if (TakeDueTimer() is { } callback)
            {
                return callback;
            }

            if (_work.TryDequeue(out Action? work))
            {
                return work;
            }

            if (spinner.Count < IdleSpins)
            {
                // -1: SpinWait yields the core but never sleeps; Sleep below is the only sleep.
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            Sleep();
            spinner.Reset();
        }

        return null;
    }

    private Action? TakeDueTimer()
    {
        if (Volatile.Read(ref _timerCallback) is null || Volatile.Read(ref _timerDeadlineNs) > _scheduler.NowNs)
        {
            return null;
        }

        lock (_gate)
        {
            if (_timerCallback is { } callback && _timerDeadlineNs <= _scheduler.NowNs)
            {
                _timerCallback = null;
                return callback;
            }

            return null;
        }
    }

    /// <summary>Sleeps until work is posted, the timer is due or re-armed, or shutdown.</summary>
    private void Sleep()
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _sleeping, 1);
            if (_work.IsEmpty && !_shutdown)
            {
                if (_timerCallback is null)
                {
                    Monitor.Wait(_gate);
                }
                else
                {
                    ulong nowNs = _scheduler.NowNs;
                    if (_timerDeadlineNs > nowNs)
                    {
                        Monitor.Wait(_gate, WaitMs(_timerDeadlineNs - nowNs));
                    }
                }
            }

            Volatile.Write(ref _sleeping, 0);
        }
    }

    /// <summary>Rounds up so that the thread never wakes before the deadline only to sleep again for 0 ms in a spin.</summary>
    private static int WaitMs(ulong remainingNs)
    {
        const ulong NsPerMs = 1_000_000;
        ulong ms = (remainingNs + NsPerMs - 1) / NsPerMs;
        return ms >= int.MaxValue ? int.MaxValue - 1 : (int)ms;
    }
}
