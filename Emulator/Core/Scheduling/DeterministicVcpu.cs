using XvifSim.Public;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// One vCPU of a <see cref="DeterministicScheduler"/>: a FIFO of work and one
/// timer. Its state is guarded by the scheduler's lock, not a lock of its own,
/// so that the scheduler sees every vCPU consistently when it picks the next
/// item; the members the scheduler calls expect that lock to be held.
/// </summary>
internal sealed class DeterministicVcpu(DomId domain, DeterministicScheduler scheduler, Action<Exception> onFault, long order) : IVcpuContext
{
    private readonly Lock _lock = scheduler.SyncRoot;
    private readonly Queue<Action> _work = new();
    private Action? _timerCallback;
    private ulong _timerDeadlineNs;
    private volatile bool _shutdown;

    public bool IsShutdown => _shutdown;

    public bool IsRunning => scheduler.Current == this;

    public bool IsCurrent => scheduler.Current == this && scheduler.IsRunThread;

    /// <summary>Its rank in creation order: ties between vCPUs go to the one created first.</summary>
    public long Order => order;

    /// <summary>Its slot in the scheduler's <see cref="DeterministicTimerHeap"/>, -1 when its timer is not armed. Lock held.</summary>
    public int TimerSlot { get; set; } = -1;

    /// <summary>The armed timer's deadline. Lock held.</summary>
    public ulong TimerDeadlineNs => _timerDeadlineNs;

    public void Post(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_lock)
        {
            // A dead vCPU ignores posts: a peer's notification racing with
            // domain destruction is normal, not a host error.
            if (!_shutdown)
            {
                _work.Enqueue(work);
                if (_work.Count == 1)
                {
                    scheduler.Runnable(this);
                }
            }
        }
    }

    public void SetTimer(ulong deadlineNs, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_lock)
        {
            if (!_shutdown)
            {
                _timerDeadlineNs = deadlineNs;
                _timerCallback = callback;
                scheduler.Timers.Update(this);
            }
        }
    }

    public void CancelTimer()
    {
        lock (_lock)
        {
            _timerCallback = null;
            scheduler.Timers.Remove(this);
        }
    }

    public void Shutdown()
    {
        lock (_lock)
        {
            if (_shutdown)
            {
                return;
            }

            _shutdown = true;
            if (_work.Count > 0)
            {
                _work.Clear();
                scheduler.Idle(this);
            }

            _timerCallback = null;
            scheduler.Timers.Remove(this);
            scheduler.Forget(this);
        }
    }

    /// <summary>Takes the next work item. Lock held; the scheduler holds it as runnable only while work is queued.</summary>
    public Action DequeueWork()
    {
        Action work = _work.Dequeue();
        if (_work.Count == 0)
        {
            scheduler.Idle(this);
        }

        return work;
    }

    /// <summary>Disarms the timer and returns its callback: a single-shot timer fires once. Lock held; the timer heap holds it only while armed.</summary>
    public Action TakeTimer()
    {
        Action callback = _timerCallback!;
        _timerCallback = null;
        scheduler.Timers.Remove(this);
        return callback;
    }

    /// <summary>Reports an exception from work run on this vCPU. Lock not held: the handler (Machine.Crash) shuts the vCPU down.</summary>
    public void Fault(Exception exception) => onFault(exception);

    public override string ToString() => $"vcpu {domain}";
}
