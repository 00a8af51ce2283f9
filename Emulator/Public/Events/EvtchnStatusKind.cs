namespace XvifSim.Public.Events;

/// <summary>The port states EVTCHNOP_status reports (event_channel.h EVTCHNSTAT_*).</summary>
public enum EvtchnStatusKind : uint
{
    /// <summary>EVTCHNSTAT_closed: the port is free.</summary>
    Closed = 0,
    /// <summary>EVTCHNSTAT_unbound: waiting for a remote domain to bind.</summary>
    Unbound = 1,
    /// <summary>EVTCHNSTAT_interdomain: connected to a remote domain's port.</summary>
    Interdomain = 2,
    /// <summary>EVTCHNSTAT_pirq: bound to a physical IRQ.</summary>
    Pirq = 3,
    /// <summary>EVTCHNSTAT_virq: bound to a virtual IRQ.</summary>
    Virq = 4,
    /// <summary>EVTCHNSTAT_ipi: an inter-vCPU channel.</summary>
    Ipi = 5,
}
