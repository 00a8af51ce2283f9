using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Emulator.Events;

/// <summary>Allocating and binding ports: EVTCHNOP_alloc_unbound, bind_interdomain, bind_virq.</summary>
public sealed partial class EventChannels
{
    /// <summary>
    /// EVTCHNOP_alloc_unbound (event_channel.h): a port in <c>dom</c> that only
    /// <c>remote_dom</c> may bind. ESRCH for an unknown <c>dom</c>, EPERM when a
    /// guest names another domain, EINVAL if <c>dom</c> is dying, ENOSPC when
    /// <c>dom</c> has no free port. <c>remote_dom</c> is not checked (Xen does
    /// not either); DOMID_SELF there names the caller.
    /// </summary>
    /// <remarks>
    /// Xen checks permission (xsm_evtchn_unbound) after get_free_port; we check
    /// it first so a guest learns nothing about another domain's port table.
    /// The answers differ only for a guest naming a full or dying domain.
    /// </remarks>
    public Errno AllocUnbound(ref EvtchnAllocUnbound op)
    {
        if (!TryFindDomain(op.Dom, out Domain target))
        {
            return Errno.ESRCH;
        }

        if (!MayActOn(target))
        {
            return Errno.EPERM;
        }

        DomId remote = op.RemoteDom == DomId.Self ? _owner.Id : op.RemoteDom;
        EventChannels chans = target.EventChannels;
        lock (chans._lock)
        {
            Errno rc = chans.GetFreePort(out EvtchnPort port);
            if (rc != Errno.Ok)
            {
                return rc;
            }

            chans._ports[port.Value] = new EvtchnEntry { State = EvtchnState.Unbound, RemoteDom = remote };
            op.Port = port;
        }

        return Errno.Ok;
    }

    /// <summary>
    /// EVTCHNOP_bind_interdomain: connect a new local port to the remote
    /// domain's port that was allocated unbound for the caller. ESRCH if the
    /// remote domain does not exist; EINVAL if the remote port is out of range
    /// or not unbound-for-the-caller; EINVAL/ENOSPC as get_free_port for the
    /// caller. The new local port is marked pending.
    /// </summary>
    public Errno BindInterdomain(ref EvtchnBindInterdomain op)
    {
        Errno rc = BindInterdomain(op.RemoteDom, op.RemotePort, consumer: null, out EvtchnPort local);
        if (rc == Errno.Ok)
        {
            op.LocalPort = local;
        }

        return rc;
    }

    /// <summary>
    /// EVTCHNOP_bind_virq: bind <c>virq</c> on vCPU <c>vcpu</c> to a new port.
    /// In Xen's order: EINVAL for virq ≥ NR_VIRQS, EINVAL for a global VIRQ on
    /// a vCPU other than 0, ENOENT for a vCPU that does not exist (there is
    /// only vCPU 0), EEXIST if the VIRQ is already bound, then get_free_port's errors.
    /// </summary>
    public Errno BindVirq(ref EvtchnBindVirq op)
    {
        if ((uint)op.Virq >= VirqInfo.NrVirqs)
        {
            return Errno.EINVAL;
        }

        if (VirqInfo.IsGlobal(op.Virq) && op.Vcpu != 0)
        {
            return Errno.EINVAL;
        }

        if (op.Vcpu != 0)
        {
            return Errno.ENOENT;
        }

        lock (_lock)
        {
            if (_virqToPort[(int)op.Virq] != default)
            {
                return Errno.EEXIST;
            }

            Errno rc = GetFreePort(out EvtchnPort port);
            if (rc != Errno.Ok)
            {
                return rc;
            }

            _ports[port.Value] = new EvtchnEntry { State = EvtchnState.Virq, Virq = op.Virq };
            _virqToPort[(int)op.Virq] = port;
            op.Port = port;
        }

        return Errno.Ok;
    }

    /// <summary>
    /// evtchn_bind_interdomain for the guest op and for a Xen-attached local
    /// port (<paramref name="consumer"/> set). Both domains' event locks are
    /// held, lower domid first, while the two ends are linked.
    /// </summary>
    private Errno BindInterdomain(DomId remoteDom, EvtchnPort remotePort, Action<EvtchnPort>? consumer, out EvtchnPort localPort)
    {
        localPort = default;
        if (!TryFindDomain(remoteDom, out Domain remote))
        {
            return Errno.ESRCH;
        }

        EventChannels peer = remote.EventChannels;
        EvtchnNotification lostEvents;
        lock (FirstLock(this, peer))
        {
            lock (SecondLock(this, peer))
            {
                Errno rc = GetFreePort(out EvtchnPort lport);
                if (rc != Errno.Ok)
                {
                    return rc;
                }

                // A dying domain's ports are being closed by evtchn_destroy;
                // in Xen none of them is unbound any more, hence EINVAL.
                if (!IsValid(remotePort) || remote.IsDying)
                {
                    return Errno.EINVAL;
                }

                ref EvtchnEntry r = ref peer._ports[remotePort.Value];
                if (r.State != EvtchnState.Unbound || r.RemoteDom != _owner.Id)
                {
                    return Errno.EINVAL;
                }

                _ports[lport.Value] = new EvtchnEntry
                {
                    State = EvtchnState.Interdomain,
                    RemoteDom = remote.Id,
                    Peer = peer,
                    RemotePort = remotePort,
                    XenConsumer = consumer,
                };
                r.State = EvtchnState.Interdomain;
                r.Peer = this;
                r.RemotePort = lport;

                // The remote end may have sent while it was unbound, and such
                // sends are dropped; Xen covers that by always raising the new
                // local port once.
                lostEvents = Deliver(lport);
                localPort = lport;
            }
        }

        lostEvents.Fire();
        return Errno.Ok;
    }
}
