namespace XvifSim.Public.Events;

/// <summary>
/// HYPERVISOR_event_channel_op for one domain. Each call returns
/// <see cref="Errno.Ok"/> or the errno Xen returns (negated there) for that failure.
/// </summary>
public interface IEventChannelOps
{
    /// <summary>EVTCHNOP_alloc_unbound.</summary>
    Errno AllocUnbound(ref EvtchnAllocUnbound op);

    /// <summary>EVTCHNOP_bind_interdomain.</summary>
    Errno BindInterdomain(ref EvtchnBindInterdomain op);

    /// <summary>EVTCHNOP_bind_virq.</summary>
    Errno BindVirq(ref EvtchnBindVirq op);

    /// <summary>EVTCHNOP_send: mark the remote end pending.</summary>
    Errno Send(EvtchnPort port);

    /// <summary>EVTCHNOP_close: an interdomain peer falls back to unbound.</summary>
    Errno Close(EvtchnPort port);

    /// <summary>EVTCHNOP_status.</summary>
    Errno Status(ref EvtchnStatus op);

    /// <summary>EVTCHNOP_unmask: clear the mask bit and re-deliver a pending event.</summary>
    Errno Unmask(EvtchnPort port);
}
