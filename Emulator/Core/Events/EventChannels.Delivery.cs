using XvifSim.Emulator.Faults;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Trace;

namespace XvifSim.Emulator.Events;

/// <summary>
/// Raising events: EVTCHNOP_send, VIRQs, EVTCHNOP_unmask and the 2-level
/// delivery on the real bytes of shared_info (event_2l.c).
/// </summary>
public sealed partial class EventChannels
{
    /// <summary>
    /// EVTCHNOP_send. Interdomain: the peer's port is raised in the peer
    /// domain. Unbound: nothing happens and the call succeeds (the bind will
    /// raise the port). EINVAL for a port out of range, attached to the
    /// hypervisor, or in any other state (free, reserved, VIRQ). A peer that
    /// is dying is harmless to raise: its vCPU is shut down and its ports
    /// are about to be closed.
    /// </summary>
    public Errno Send(EvtchnPort port)
    {
        Errno result = SendUntraced(port, out DomId remoteDom, out EvtchnPort remotePort);
        if (_owner.Machine.HypervisorTrace is { } trace)
        {
            TraceRecord.EmitEvtchn(trace, _owner.Id, TraceEvtchnOp.Send, port, remoteDom, remotePort, result);
        }

        return result;
    }

    private Errno SendUntraced(EvtchnPort port, out DomId remoteDom, out EvtchnPort remotePort)
    {
        remoteDom = DomId.Invalid;
        remotePort = default;
        if (!IsValid(port))
        {
            return Errno.EINVAL;
        }

        // A fault plan may lose or hold back this notification (Machine.Faults);
        // the sender is told it succeeded, as it would be of a lost interrupt.
        if (_owner.Machine.Faults is { } faults)
        {
            EvtchnFault fault = faults.SendEvent(_owner, port);
            if (fault.Action == EvtchnFaultAction.Drop)
            {
                return Errno.Ok;
            }

            if (fault.Action == EvtchnFaultAction.Delay)
            {
                _owner.Machine.DelayedEvents.Add(this, port, fault.DelayNs);
                return Errno.Ok;
            }
        }

        return SendUnfaulted(port, out remoteDom, out remotePort);
    }

    /// <summary>A held-back send at its deadline (the trace recorded it when it was made).</summary>
    internal Errno SendUnfaulted(EvtchnPort port) => SendUnfaulted(port, out _, out _);

    /// <summary>EVTCHNOP_send without asking the fault plan; says which port of which domain it raised.</summary>
    private Errno SendUnfaulted(EvtchnPort port, out DomId remoteDom, out EvtchnPort remotePort)
    {
        remoteDom = DomId.Invalid;
        remotePort = default;
        if (!IsValid(port))
        {
            return Errno.EINVAL;
        }

        EvtchnNotification notification;
        lock (_lock)
        {
            // The peer's entry is stable while this lock is held: an
            // interdomain link changes only with both domains' locks.
            ref readonly EvtchnEntry e = ref _ports[port.Value];
            if (e.XenConsumer is not null)
            {
                return Errno.EINVAL;
            }

            switch (e.State)
            {
                case EvtchnState.Interdomain:
                    remoteDom = e.Peer!._owner.Id;
                    remotePort = e.RemotePort;
                    notification = e.Peer!.Deliver(e.RemotePort);
                    break;
                case EvtchnState.Unbound:
                    return Errno.Ok;
                default:
                    return Errno.EINVAL;
            }
        }

        notification.Fire();
        return Errno.Ok;
    }

    /// <summary>
    /// send_guest_vcpu_virq / send_guest_global_virq: raise the port this
    /// domain bound <paramref name="virq"/> to, if any.
    /// </summary>
    public void SendVirq(Virq virq)
    {
        if ((uint)virq >= VirqInfo.NrVirqs)
        {
            throw new ArgumentOutOfRangeException(nameof(virq), virq, "not a VIRQ number");
        }

        EvtchnNotification notification;
        lock (_lock)
        {
            EvtchnPort port = _virqToPort[(int)virq];
            if (port == default)
            {
                return;
            }

            notification = MarkPending(port);
        }

        notification.Fire();
    }

    /// <summary>evtchn_2l_set_pending on <paramref name="port"/> of this domain, kicking vCPU 0 if the upcall was raised.</summary>
    internal void SetPending(EvtchnPort port)
    {
        if (!IsValid(port))
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "outside the 2-level port space");
        }

        MarkPending(port).Fire();
    }

    /// <summary>
    /// EVTCHNOP_unmask (evtchn_2l_unmask): clear the mask bit; if it was set
    /// and the port is pending, do the second half of delivery that the mask
    /// held back. EINVAL for a port out of range. Only shared_info bits are
    /// touched, all atomically, so no event lock is needed.
    /// </summary>
    public Errno Unmask(EvtchnPort port)
    {
        Errno result = UnmaskUntraced(port);
        if (_owner.Machine.HypervisorTrace is { } trace)
        {
            TraceRecord.EmitEvtchn(trace, _owner.Id, TraceEvtchnOp.Unmask, port, DomId.Invalid, default, result);
        }

        return result;
    }

    private Errno UnmaskUntraced(EvtchnPort port)
    {
        if (!IsValid(port))
        {
            return Errno.EINVAL;
        }

        Span<byte> shared = _owner.SharedInfo.Span;
        ulong bit = SharedInfoLayout.Bit(port);
        if (SharedBits.TestAndClear(shared, SharedInfoLayout.MaskWord(port), bit)
            && SharedBits.Test(shared, SharedInfoLayout.PendingWord(port), bit))
        {
            SelectAndRaise(port).Fire();
        }

        return Errno.Ok;
    }

    /// <summary>
    /// Raise <paramref name="port"/> of this domain: call its hypervisor
    /// consumer if it has one, else evtchn_2l_set_pending. Caller holds this
    /// domain's lock or the lock of the port's interdomain peer.
    /// </summary>
    private EvtchnNotification Deliver(EvtchnPort port)
    {
        Action<EvtchnPort>? consumer = _ports[port.Value].XenConsumer;
        return consumer is null ? MarkPending(port) : EvtchnNotification.Consumer(consumer, port);
    }

    /// <summary>
    /// evtchn_2l_set_pending: set the port's pending bit; only if it was clear
    /// and the port is not masked, go on to select its word and raise the upcall.
    /// </summary>
    private EvtchnNotification MarkPending(EvtchnPort port)
    {
        Span<byte> shared = _owner.SharedInfo.Span;
        ulong bit = SharedInfoLayout.Bit(port);
        if (SharedBits.TestAndSet(shared, SharedInfoLayout.PendingWord(port), bit)
            || SharedBits.Test(shared, SharedInfoLayout.MaskWord(port), bit))
        {
            return EvtchnNotification.None;
        }

        return SelectAndRaise(port);
    }

    /// <summary>
    /// The common tail of set_pending and unmask: set bit port/64 in vCPU 0's
    /// evtchn_pending_sel; if it was clear, vcpu_mark_events_pending sets
    /// evtchn_upcall_pending and, if that was clear, the vCPU is kicked.
    /// The guest's evtchn_upcall_mask is not looked at here: the kicked vCPU
    /// checks it before running the upcall, as Xen does on return to guest.
    /// </summary>
    private EvtchnNotification SelectAndRaise(EvtchnPort port)
    {
        Span<byte> shared = _owner.SharedInfo.Span;
        int vcpuInfo = SharedInfoLayout.VcpuInfo(0);
        ulong selector = 1UL << (int)(port.Value / SharedInfoLayout.BitsPerWord);
        if (SharedBits.TestAndSet(shared, vcpuInfo + VcpuInfoLayout.EvtchnPendingSel, selector))
        {
            return EvtchnNotification.None;
        }

        return SharedBits.ExchangeU8(shared, vcpuInfo + VcpuInfoLayout.EvtchnUpcallPending, 1) == 0
            ? EvtchnNotification.Kick(_owner.Vcpu)
            : EvtchnNotification.None;
    }
}
