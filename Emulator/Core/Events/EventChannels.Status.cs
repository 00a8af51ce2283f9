using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Emulator.Events;

/// <summary>EVTCHNOP_status.</summary>
public sealed partial class EventChannels
{
    /// <summary>
    /// EVTCHNOP_status: the state of <c>port</c> in <c>dom</c>. In Xen's order:
    /// ESRCH for an unknown domain, EINVAL for a port out of range, EPERM when
    /// a guest asks about another domain. Free ports and the reserved port 0
    /// report EVTCHNSTAT_closed. The union fields not used by the state are zeroed.
    /// </summary>
    public Errno Status(ref EvtchnStatus op)
    {
        if (!TryFindDomain(op.Dom, out Domain target))
        {
            return Errno.ESRCH;
        }

        if (!IsValid(op.Port))
        {
            return Errno.EINVAL;
        }

        if (!MayActOn(target))
        {
            return Errno.EPERM;
        }

        EventChannels chans = target.EventChannels;
        EvtchnEntry e;
        lock (chans._lock)
        {
            e = chans._ports[op.Port.Value];
        }

        op.Status = e.State switch
        {
            EvtchnState.Unbound => EvtchnStatusKind.Unbound,
            EvtchnState.Interdomain => EvtchnStatusKind.Interdomain,
            EvtchnState.Virq => EvtchnStatusKind.Virq,
            _ => EvtchnStatusKind.Closed,
        };
        // The union's bytes are cleared, then the state's own member written
        // (UnboundDom and InterdomainDom are one field, Virq overlays both).
        op.Virq = default;
        op.InterdomainPort = default;
        switch (e.State)
        {
            case EvtchnState.Unbound:
                op.UnboundDom = e.RemoteDom;
                break;
            case EvtchnState.Interdomain:
                op.InterdomainDom = e.RemoteDom;
                op.InterdomainPort = e.RemotePort;
                break;
            case EvtchnState.Virq:
                op.Virq = e.Virq;
                break;
        }

        // notify_vcpu_id: every port notifies vCPU 0, the domain's only vCPU.
        op.Vcpu = 0;
        return Errno.Ok;
    }
}
