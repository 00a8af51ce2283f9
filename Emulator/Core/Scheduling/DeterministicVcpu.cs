using XvifSim.Public;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// One vCPU of a <see cref="DeterministicScheduler"/>: a FIFO of work and one
/// timer. Its state is guarded by the scheduler's lock, not a lock of its own,
/// so that the scheduler sees every vCPU consistently when it picks the next
/// item; the members the scheduler calls expect that lock to be held.
/// </summary>
internal sealed class DeterministicVcpu(DomId domain, DeterministicScheduler scheduler, Action<Exception> onFault) : IVcpuContext
{
    private readonly Lock _lock = scheduler.SyncRoot;
    private readonly Queue<Action> _work = new();
    private Action? _timerCallback;
    private ulong _timerDeadlineNs;
    private volatile bool _shutdown;

    public bool IsShutdown => _shutdown;

    /// <summary>True when work is queued. Lock held.</summary>
    public bool HasWork => _work.Count > 0;

    /// <summary>True when the timer is armed. Lock held.</summary>
    public bool TimerArmed => _timerCallback is not null;

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
            }
        }
    }

    public void CancelTimer()
    {
        lock (_lock)
        {
            _timerCallback = null;
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
            _work.Clear();
            _timerCallback = null;
            scheduler.Forget(this);
        }
    }

    /// <summary>Takes the next work item. Lock held; <see cref="HasWork"/> must be true.</summary>
    public Action DequeueWork() => _work.Dequeue();

    /// <summary>Disarms the timer and returns its callback: a single-shot timer fires once. Lock held; <see cref="TimerArmed"/> must be true.</summary>
    public Action TakeTimer()
    {
        Action callback = _timerCallback!;
        _timerCallback = null;
        return callback;
    }

    /// <summary>Reports an exception from work run on this vCPU. Lock not held: the handler (Machine.Crash) shuts the vCPU down.</summary>
    public void Fault(Exception exception) => onFault(exception);

    public override string ToString() => $"vcpu {domain}";
}
