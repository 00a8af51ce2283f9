namespace XvifSim.Public.Events;

/// <summary>EVTCHNOP_alloc_unbound: a port in Dom that only RemoteDom may bind. Out: Port.</summary>
public struct EvtchnAllocUnbound
{
    /// <summary>evtchn_alloc_unbound.dom in xen/include/public/event_channel.h.</summary>
    public DomId Dom;
    /// <summary>evtchn_alloc_unbound.remote_dom in xen/include/public/event_channel.h.</summary>
    public DomId RemoteDom;
    /// <summary>evtchn_alloc_unbound.port in xen/include/public/event_channel.h.</summary>
    public EvtchnPort Port;
}

/// <summary>EVTCHNOP_bind_interdomain: connect to RemoteDom's unbound RemotePort. Out: LocalPort.</summary>
public struct EvtchnBindInterdomain
{
    /// <summary>evtchn_bind_interdomain.remote_dom in xen/include/public/event_channel.h.</summary>
    public DomId RemoteDom;
    /// <summary>evtchn_bind_interdomain.remote_port in xen/include/public/event_channel.h.</summary>
    public EvtchnPort RemotePort;
    /// <summary>evtchn_bind_interdomain.local_port in xen/include/public/event_channel.h.</summary>
    public EvtchnPort LocalPort;
}

/// <summary>EVTCHNOP_bind_virq: bind Virq on vCPU Vcpu to a new port. Out: Port.</summary>
public struct EvtchnBindVirq
{
    /// <summary>evtchn_bind_virq.virq in xen/include/public/event_channel.h.</summary>
    public Virq Virq;
    /// <summary>evtchn_bind_virq.vcpu in xen/include/public/event_channel.h.</summary>
    public uint Vcpu;
    /// <summary>evtchn_bind_virq.port in xen/include/public/event_channel.h.</summary>
    public EvtchnPort Port;
}

/// <summary>
/// EVTCHNOP_status. In: Dom, Port. Out: Status, Vcpu, and the union:
/// for Unbound, UnboundDom (who may bind); for Interdomain, InterdomainDom
/// and InterdomainPort; for Virq, Virq.
/// </summary>
public struct EvtchnStatus
{
    /// <summary>evtchn_status.dom in xen/include/public/event_channel.h.</summary>
    public DomId Dom;
    /// <summary>evtchn_status.port in xen/include/public/event_channel.h.</summary>
    public EvtchnPort Port;
    /// <summary>evtchn_status.status in xen/include/public/event_channel.h.</summary>
    public EvtchnStatusKind Status;
    /// <summary>evtchn_status.vcpu in xen/include/public/event_channel.h.</summary>
    public uint Vcpu;
    /// <summary>evtchn_status.unbound_dom in xen/include/public/event_channel.h.</summary>
    public DomId UnboundDom;
    /// <summary>evtchn_status.interdomain_dom in xen/include/public/event_channel.h.</summary>
    public DomId InterdomainDom;
    /// <summary>evtchn_status.interdomain_port in xen/include/public/event_channel.h.</summary>
    public EvtchnPort InterdomainPort;
    /// <summary>evtchn_status.virq in xen/include/public/event_channel.h.</summary>
    public Virq Virq;
}
