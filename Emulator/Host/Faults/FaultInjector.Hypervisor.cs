using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Faults;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.XenStore;

namespace XvifSim.Host.Faults;

/// <summary>The hypervisor's hooks: grant map and copy, event sends, XenStore requests.</summary>
internal sealed partial class FaultInjector
{
    GntSt IFaultHooks.MapGrant(Domain caller, in GnttabMapGrantRef op)
    {
        DomId granter = op.Dom;
        for (int i = 0; i < _specs.Length; i++)
        {
            FaultSpec spec = _specs[i];
            if (spec.Kind == FaultKind.GnttabMap && spec.Domain == caller.Id && (spec.Peer is null || spec.Peer == granter)
                && Matches(i, out long ordinal))
            {
                Report(i, caller, $"GNTTABOP_map_grant_ref #{ordinal} of {caller.Id} (gref {op.Ref.Value} of {granter}) answered {FaultNames.Of(spec.Status)}");
                return spec.Status;
            }
        }

        return GntSt.Okay;
    }

    GntSt IFaultHooks.CopyGrant(Domain caller, in GnttabCopy op)
    {
        // The domains whose grants the copy uses; a frame side is the caller's own memory.
        DomId source = (op.Flags & GntCopyFlags.SourceGref) != 0 ? Resolve(op.Source.Domid, caller) : DomId.Invalid;
        DomId dest = (op.Flags & GntCopyFlags.DestGref) != 0 ? Resolve(op.Dest.Domid, caller) : DomId.Invalid;
        for (int i = 0; i < _specs.Length; i++)
        {
            FaultSpec spec = _specs[i];
            if (spec.Kind == FaultKind.GnttabCopy && spec.Domain == caller.Id && (spec.Peer is null || spec.Peer == source || spec.Peer == dest)
                && Matches(i, out long ordinal))
            {
                string side = source != DomId.Invalid ? $"from gref {op.Source.Ref.Value} of {source}" : $"to gref {op.Dest.Ref.Value} of {dest}";
                Report(i, caller, $"GNTTABOP_copy #{ordinal} of {caller.Id} ({side}, {op.Len} bytes) answered {FaultNames.Of(spec.Status)}");
                return spec.Status;
            }
        }

        return GntSt.Okay;
    }

    EvtchnFault IFaultHooks.SendEvent(Domain sender, EvtchnPort port)
    {
        for (int i = 0; i < _specs.Length; i++)
        {
            FaultSpec spec = _specs[i];
            if (spec.Kind is FaultKind.EvtchnDrop or FaultKind.EvtchnDelay && spec.Domain == sender.Id && spec.Port == port
                && Matches(i, out long ordinal))
            {
                if (spec.Kind == FaultKind.EvtchnDrop)
                {
                    Report(i, sender, $"EVTCHNOP_send #{ordinal} of {sender.Id} {port} dropped");
                    return EvtchnFault.Drop;
                }

                Report(i, sender, $"EVTCHNOP_send #{ordinal} of {sender.Id} {port} delayed {spec.Delay.TotalMilliseconds} ms");
                return EvtchnFault.Delay((ulong)spec.Delay.Ticks * TimeSpan.NanosecondsPerTick);
            }
        }

        return EvtchnFault.Deliver;
    }

    Errno IFaultHooks.XenStoreRequest(XsConnection conn, XsdSockmsgType type, string path)
    {
        if (IsOwn(conn))
        {
            return Errno.Ok;
        }

        for (int i = 0; i < _specs.Length; i++)
        {
            FaultSpec spec = _specs[i];
            if (spec.Kind == FaultKind.XenStore && spec.Op == type && (spec.Domain is null || spec.Domain == conn.DomId)
                && PathPattern.Matches(spec.PathPattern, path) && Matches(i, out long ordinal))
            {
                string where = path.Length == 0 ? "" : $" {path}";
                Report(i, Find(conn.DomId), $"{FaultNames.Of(type)}{where} #{ordinal} of {conn.DomId} answered {spec.Error}");
                return spec.Error;
            }
        }

        return Errno.Ok;
    }

    private static DomId Resolve(DomId domid, Domain caller) => domid == DomId.Self ? caller.Id : domid;
}
