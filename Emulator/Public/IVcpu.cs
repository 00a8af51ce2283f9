namespace XvifSim.Public;

/// <summary>
/// The calling domain's virtual CPU (one per domain). Everything a guest does
/// runs on it: upcalls, timer expiries and the kernel's own queued work, one
/// at a time, so a guest needs no locks against itself.
/// </summary>
public interface IVcpu
{
    /// <summary>The vCPU number (always 0: one vCPU per domain).</summary>
    uint Id { get; }

    /// <summary>Xen system time in nanoseconds (vcpu_time_info.system_time): the scheduler's clock.</summary>
    ulong SystemTimeNs { get; }

    /// <summary>
    /// Registers the event upcall (the PV event callback, or HVM's callback
    /// vector). Xen runs it on this vCPU whenever evtchn_upcall_pending is set
    /// and evtchn_upcall_mask is clear.
    /// </summary>
    void SetUpcallHandler(Action upcall);

    /// <summary>VCPUOP_set_singleshot_timer: raise VIRQ_TIMER at <paramref name="timeoutAbsNs"/> system time.</summary>
    void SetSingleshotTimer(ulong timeoutAbsNs);

    /// <summary>VCPUOP_stop_singleshot_timer.</summary>
    void StopSingleshotTimer();

    /// <summary>Queues guest-kernel work (a softint or kernel thread) to run on this vCPU.</summary>
    void Schedule(Action work);

    /// <summary>
    /// What a guest does after clearing evtchn_upcall_mask (Linux's
    /// xen_force_evtchn_callback): ask Xen to run the upcall if one is pending.
    /// </summary>
    void ForceEvtchnCallback();
}
