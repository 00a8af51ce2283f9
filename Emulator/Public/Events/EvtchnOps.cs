using System.Runtime.InteropServices;

namespace XvifSim.Public.Events;

/// <summary>
/// EVTCHNOP_alloc_unbound, event_channel.h's <c>struct evtchn_alloc_unbound</c>
/// (8 bytes): a port in Dom that only RemoteDom may bind. Out: Port.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct EvtchnAllocUnbound
{
    public const int Size = 8;

    [FieldOffset(0)]
    public DomId Dom;

    [FieldOffset(2)]
    public DomId RemoteDom;

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
    public const int Size = 12;

    [FieldOffset(0)]
    public DomId RemoteDom;

    [FieldOffset(4)]
    public EvtchnPort RemotePort;

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
    public const int Size = 12;

    [FieldOffset(0)]
    public Virq Virq;

    [FieldOffset(4)]
    public uint Vcpu;

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
    public const int Size = 24;

    [FieldOffset(0)]
    public DomId Dom;

    [FieldOffset(4)]
    public EvtchnPort Port;

    [FieldOffset(8)]
    public EvtchnStatusKind Status;

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
