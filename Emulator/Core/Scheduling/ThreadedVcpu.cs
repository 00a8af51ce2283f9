using XvifSim.Public;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// One vCPU of a <see cref="ThreadedScheduler"/>: a dedicated background thread
/// that runs its FIFO of work one item at a time and fires its one timer when
/// due. As in the deterministic scheduler, a due timer runs before queued work
/// (a timer interrupt preempts a busy guest). The thread ends when the vCPU is
/// shut down; nothing ever joins from the vCPU's own thread.
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
    private readonly Queue<Action> _work = new();
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
        lock (_gate)
        {
            // A dead vCPU ignores posts: a peer's notification racing with
            // domain destruction is normal, not a host error.
            if (_shutdown)
            {
                return;
            }

            _work.Enqueue(work);
            Monitor.Pulse(_gate);
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

    /// <summary>Sleeps until a timer is due or work is queued and takes it; null once shut down.</summary>
    private Action? NextItem()
    {
        lock (_gate)
        {
            while (!_shutdown)
            {
                if (_timerCallback is { } callback)
                {
                    ulong nowNs = _scheduler.NowNs;
                    if (_timerDeadlineNs <= nowNs)
                    {
                        _timerCallback = null;
                        return callback;
                    }

                    if (_work.Count == 0)
                    {
                        Monitor.Wait(_gate, WaitMs(_timerDeadlineNs - nowNs));
                        continue;
                    }
                }

                if (_work.Count > 0)
                {
                    return _work.Dequeue();
                }

                Monitor.Wait(_gate);
            }

            return null;
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
