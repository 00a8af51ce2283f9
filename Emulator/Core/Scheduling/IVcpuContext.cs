namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// The scheduler's side of one vCPU: a queue of work that runs one item at a
/// time, in order, and one timer.
/// </summary>
public interface IVcpuContext
{
    /// <summary>Queues <paramref name="work"/> to run on this vCPU. Safe from any thread.</summary>
    void Post(Action work);

    /// <summary>Arms the vCPU's one timer: <paramref name="callback"/> runs on this vCPU at <paramref name="deadlineNs"/> (or at once if past), replacing any earlier timer.</summary>
    void SetTimer(ulong deadlineNs, Action callback);

    /// <summary>Disarms the timer.</summary>
    void CancelTimer();

    /// <summary>Stops the vCPU: queued work and the timer are dropped, nothing more runs. Idempotent; safe from the vCPU itself.</summary>
    void Shutdown();

    /// <summary>True while the vCPU has been shut down.</summary>
    bool IsShutdown { get; }

    /// <summary>
    /// True while a work item or timer callback of this vCPU is running, on
    /// any thread; a shut-down vCPU's item that was already running counts
    /// until it returns. With <see cref="Shutdown"/> first, waiting for this
    /// to be false is Xen's vcpu_sleep_sync: afterwards the vCPU runs nothing.
    /// </summary>
    bool IsRunning { get; }

    /// <summary>True when the calling thread is running this vCPU's work (it could not wait for itself to stop).</summary>
    bool IsCurrent { get; }
}
