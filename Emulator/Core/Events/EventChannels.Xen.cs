using XvifSim.Public;

namespace XvifSim.Emulator.Events;

/// <summary>
/// Ports whose local end the hypervisor itself consumes (Xen's xen_consumer,
/// alloc_unbound_xen_event_channel and notify_via_xen_event_channel). The
/// in-hypervisor XenStore uses them to act as dom0's xenstored: it binds a
/// dom0 port to the guest's store port, hears the guest's sends through a
/// callback, and notifies the guest. Dom0's kernel cannot send on or close
/// such a port (EINVAL), and its shared_info is never touched for it.
/// </summary>
public sealed partial class EventChannels
{
    /// <summary>
    /// Binds a new port of this domain, consumed by the hypervisor, to
    /// <paramref name="remoteDom"/>'s port <paramref name="remotePort"/>
    /// that was allocated unbound for this domain. Errors as
    /// EVTCHNOP_bind_interdomain. <paramref name="notify"/> runs, with no
    /// event lock held, each time the remote end sends, and once at binding
    /// for sends made while the remote port was unbound.
    /// </summary>
    internal Errno BindInterdomainForXen(DomId remoteDom, EvtchnPort remotePort, Action<EvtchnPort> notify, out EvtchnPort localPort) =>
        BindInterdomain(remoteDom, remotePort, notify, out localPort);

    /// <summary>
    /// notify_via_xen_event_channel: raise the remote end of a Xen-attached
    /// port. Dropped if the port is unbound (the remote closed it) or this
    /// domain is dying.
    /// </summary>
    internal void NotifyViaXenEventChannel(EvtchnPort port)
    {
        EvtchnNotification notification;
        lock (_lock)
        {
            if (_owner.IsDying)
            {
                return;
            }

            ref readonly EvtchnEntry e = ref XenEntry(port);
            if (e.State != EvtchnState.Interdomain)
            {
                return;
            }

            notification = e.Peer!.Deliver(e.RemotePort);
        }

        notification.Fire();
    }

    /// <summary>
    /// free_xen_event_channel: close a Xen-attached port as close does (the
    /// remote end falls back to unbound). Nothing to do once this domain is
    /// dying: evtchn_destroy closes it.
    /// </summary>
    internal void FreeXenEventChannel(EvtchnPort port)
    {
        lock (_lock)
        {
            if (_owner.IsDying)
            {
                return;
            }

            _ = XenEntry(port);
        }

        _ = Close(port, byGuest: false);
    }

    /// <summary>The entry of a Xen-attached port; anything else is a hypervisor bug. Caller holds the lock.</summary>
    private ref readonly EvtchnEntry XenEntry(EvtchnPort port)
    {
        if (!IsValid(port) || _ports[port.Value].XenConsumer is null)
        {
            throw new InvalidOperationException($"{_owner}: {port} is not attached to the hypervisor");
        }

        return ref _ports[port.Value];
    }
}
