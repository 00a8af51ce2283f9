namespace XvifSim.Public.Events;

/// <summary>EVTCHNOP_alloc_unbound: a port in Dom that only RemoteDom may bind. Out: Port.</summary>
public struct EvtchnAllocUnbound
{
    public DomId Dom;
    public DomId RemoteDom;
    public EvtchnPort Port;
}

/// <summary>EVTCHNOP_bind_interdomain: connect to RemoteDom's unbound RemotePort. Out: LocalPort.</summary>
public struct EvtchnBindInterdomain
{
    public DomId RemoteDom;
    public EvtchnPort RemotePort;
    public EvtchnPort LocalPort;
}

/// <summary>EVTCHNOP_bind_virq: bind Virq on vCPU Vcpu to a new port. Out: Port.</summary>
public struct EvtchnBindVirq
{
    public Virq Virq;
    public uint Vcpu;
    public EvtchnPort Port;
}

/// <summary>
/// EVTCHNOP_status. In: Dom, Port. Out: Status, Vcpu, and the union:
/// for Unbound, UnboundDom (who may bind); for Interdomain, InterdomainDom
/// and InterdomainPort; for Virq, Virq.
/// </summary>
public struct EvtchnStatus
{
    public DomId Dom;
    public EvtchnPort Port;
    public EvtchnStatusKind Status;
    public uint Vcpu;
    public DomId UnboundDom;
    public DomId InterdomainDom;
    public EvtchnPort InterdomainPort;
    public Virq Virq;
}
