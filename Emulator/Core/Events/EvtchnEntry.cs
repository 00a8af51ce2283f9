using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Emulator.Events;

/// <summary>
/// One port of a domain (Xen's struct evtchn). The fields that matter depend
/// on <see cref="State"/>: Unbound uses <see cref="RemoteDom"/> (who may
/// bind); Interdomain uses <see cref="RemoteDom"/>, <see cref="Peer"/> and
/// <see cref="RemotePort"/>; Virq uses <see cref="Virq"/>. Guarded by the
/// owning domain's event lock; an Interdomain link changes only with both
/// domains' locks held.
/// </summary>
internal struct EvtchnEntry
{
    public EvtchnState State;

    /// <summary>Unbound: the domain allowed to bind. Interdomain: the peer domain.</summary>
    public DomId RemoteDom;

    /// <summary>Interdomain: the peer domain's event channels.</summary>
    public EventChannels? Peer;

    /// <summary>Interdomain: the peer's port.</summary>
    public EvtchnPort RemotePort;

    public Virq Virq;

    /// <summary>
    /// Set when the hypervisor itself consumes this port (Xen's xen_consumer):
    /// events arriving on it call this instead of touching the owner's
    /// shared_info, and the guest may not send on or close it.
    /// </summary>
    public Action<EvtchnPort>? XenConsumer;
}
