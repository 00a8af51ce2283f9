using System.Runtime.InteropServices;

namespace XvifSim.Public.Events;

/// <summary>
/// EVTCHNOP_alloc_unbound, event_channel.h's <c>struct evtchn_alloc_unbound</c>
/// (8 bytes): a port in Dom that only RemoteDom may bind. Out: Port.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct EvtchnAllocUnbound
{
    /// <summary>sizeof(struct evtchn_alloc_unbound).</summary>
    public const int Size = 8;

    /// <summary>evtchn_alloc_unbound.dom: the domain the port is allocated in (DOMID_SELF for the caller).</summary>
    [FieldOffset(0)]
    public DomId Dom;

    /// <summary>evtchn_alloc_unbound.remote_dom: the only domain that may bind the port.</summary>
    [FieldOffset(2)]
    public DomId RemoteDom;

    /// <summary>evtchn_alloc_unbound.port (out): the new unbound port.</summary>
    [FieldOffset(4)]
    public EvtchnPort Port;
}

/// <summary>
/// EVTCHNOP_bind_interdomain, event_channel.h's <c>struct
/// evtchn_bind_interdomain</c> (12 bytes): connect to RemoteDom's unbound
/// RemotePort. Out: LocalPort.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct EvtchnBindInterdomain
{
    /// <summary>sizeof(struct evtchn_bind_interdomain).</summary>
    public const int Size = 12;

    /// <summary>evtchn_bind_interdomain.remote_dom: the domain that allocated the unbound port.</summary>
    [FieldOffset(0)]
    public DomId RemoteDom;

    /// <summary>evtchn_bind_interdomain.remote_port: the remote domain's unbound port to connect to.</summary>
    [FieldOffset(4)]
    public EvtchnPort RemotePort;

    /// <summary>evtchn_bind_interdomain.local_port (out): the caller's new port, bound to the remote one.</summary>
    [FieldOffset(8)]
    public EvtchnPort LocalPort;
}

/// <summary>
/// EVTCHNOP_bind_virq, event_channel.h's <c>struct evtchn_bind_virq</c>
/// (12 bytes): bind Virq on vCPU Vcpu to a new port. Out: Port.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct EvtchnBindVirq
{
    /// <summary>sizeof(struct evtchn_bind_virq).</summary>
    public const int Size = 12;

    /// <summary>evtchn_bind_virq.virq: the virtual IRQ to bind (VIRQ_*).</summary>
    [FieldOffset(0)]
    public Virq Virq;

    /// <summary>evtchn_bind_virq.vcpu: the vCPU whose instance of the VIRQ is bound.</summary>
    [FieldOffset(4)]
    public uint Vcpu;

    /// <summary>evtchn_bind_virq.port (out): the new port.</summary>
    [FieldOffset(8)]
    public EvtchnPort Port;
}

/// <summary>
/// EVTCHNOP_status, event_channel.h's <c>struct evtchn_status</c> (24 bytes).
/// In: Dom, Port. Out: Status, Vcpu, and the union <c>u</c> at 16: for
/// Unbound, UnboundDom (who may bind); for Interdomain, InterdomainDom and
/// InterdomainPort; for Pirq, Pirq; for Virq, Virq. The union's members share
/// their bytes as in the header: UnboundDom and InterdomainDom are the same
/// field, and Pirq and Virq overlay both.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct EvtchnStatus
{
    /// <summary>sizeof(struct evtchn_status).</summary>
    public const int Size = 24;

    /// <summary>evtchn_status.dom: the domain that owns the port (DOMID_SELF for the caller).</summary>
    [FieldOffset(0)]
    public DomId Dom;

    /// <summary>evtchn_status.port: the port to query.</summary>
    [FieldOffset(4)]
    public EvtchnPort Port;

    /// <summary>evtchn_status.status (out): the port's state, EVTCHNSTAT_*; it says which member of <c>u</c> is valid.</summary>
    [FieldOffset(8)]
    public EvtchnStatusKind Status;

    /// <summary>evtchn_status.vcpu (out): the vCPU the port notifies.</summary>
    [FieldOffset(12)]
    public uint Vcpu;

    /// <summary>u.unbound.dom.</summary>
    [FieldOffset(16)]
    public DomId UnboundDom;

    /// <summary>u.interdomain.dom.</summary>
    [FieldOffset(16)]
    public DomId InterdomainDom;

    /// <summary>u.interdomain.port.</summary>
    [FieldOffset(20)]
    public EvtchnPort InterdomainPort;

    /// <summary>u.pirq.</summary>
    [FieldOffset(16)]
    public uint Pirq;

    /// <summary>u.virq.</summary>
    [FieldOffset(16)]
    public Virq Virq;
}
