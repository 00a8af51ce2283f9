namespace XvifSim.Emulator.Events;

/// <summary>
/// The hypervisor's state of one port (Xen's ECS_* in sched.h). Status
/// reports Free and Reserved alike as EVTCHNSTAT_closed.
/// </summary>
internal enum EvtchnState
{
    /// <summary>ECS_FREE: unallocated; the lowest free port is handed out next.</summary>
    Free,
    /// <summary>ECS_RESERVED: port 0, which is never allocated (evtchn_init).</summary>
    Reserved,
    /// <summary>ECS_UNBOUND: allocated, waiting for one named domain to bind to it.</summary>
    Unbound,
    /// <summary>ECS_INTERDOMAIN: connected to a port of another (or the same) domain.</summary>
    Interdomain,
    /// <summary>ECS_VIRQ: bound to a virtual IRQ on vCPU 0.</summary>
    Virq,
}
