using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Faults;
using XvifSim.Emulator.Memory;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Trace;

namespace XvifSim.Emulator.Grants;

/// <summary>GNTTABOP_map_grant_ref (Xen's map_grant_ref, and create_grant_p2m_mapping for a translated guest).</summary>
public sealed partial class GrantTable
{
    /// <summary>GNTMAP_* flags a translated (HVM/PVH) guest may not use: Xen answers "No device mapping in HVM domain".</summary>
    private const GntMapFlags TranslatedGuestForbidden = GntMapFlags.DeviceMap | GntMapFlags.ApplicationMap | GntMapFlags.ContainsPte;

    /// <summary>GNTTABOP_map_grant_ref: runs each op in turn, writing its status and handle into it.</summary>
    public void MapGrantRef(Span<GnttabMapGrantRef> ops)
    {
        IFaultHooks? faults = _owner.Machine.Faults;
        ITraceChannel? trace = _owner.Machine.HypervisorTrace;
        foreach (ref GnttabMapGrantRef op in ops)
        {
            // A fault plan may answer an element before anything is looked at (Machine.Faults).
            GntSt injected = faults is null ? GntSt.Okay : faults.MapGrant(_owner, in op);
            op.Status = injected != GntSt.Okay ? injected : MapOne(ref op);
            if (trace is not null)
            {
                TraceRecord.EmitGnttabMap(trace, _owner.Id, in op);
            }
        }
    }

    private GntSt MapOne(ref GnttabMapGrantRef op)
    {
        if ((op.Flags & (GntMapFlags.DeviceMap | GntMapFlags.HostMap)) == 0)
        {
            return GntSt.BadGntref;
        }

        // Our guests are translated, like HVM/PVH: host_addr is a gfn of the
        // caller's map space, and device or PTE mappings do not exist.
        if ((op.Flags & TranslatedGuestForbidden) != 0)
        {
            return GntSt.GeneralError;
        }

        // Xen looks the granter up by real id only, so DOMID_SELF is
        // bad_domain here; mapping one's own grant names one's own id.
        // A dying granter cannot be the target of a new mapping.
        if (!TryFindById(op.Dom, out Domain? granter) || granter.IsDying)
        {
            return GntSt.BadDomain;
        }

        GrantTable rgt = granter.GrantTable;
        bool writable = (op.Flags & GntMapFlags.Readonly) == 0;
        (Lock first, Lock second) = InOrder(this, rgt);
        lock (first)
        {
            lock (second)
            {
                // Re-checked under both locks: DestroyDomain marks a domain
                // dying before it releases mappings or reaps, so a map that
                // gets here first is seen by them, and one that gets here
                // later is refused. Xen pauses a domain before killing it, so
                // its own late map cannot happen there; our vCPU may still be
                // finishing a work item.
                if (granter.IsDying)
                {
                    return GntSt.BadDomain;
                }

                if (_owner.IsDying)
                {
                    return GntSt.GeneralError;
                }

                // Xen takes the handle before it looks at the grant.
                if (!_maptrack.TryGet(out uint handle))
                {
                    return GntSt.NoDeviceSpace;
                }

                // A bad entry is GNTST_general_error from _set_status_v1. (Xen's
                // map_grant_ref stores the result of "_set_status(...) != GNTST_okay"
                // in rc, so a real Xen reports 1 there; guests only test for
                // non-zero, and we report the code _set_status chose.)
                GntSt status = rgt.Pin(op.Ref, _owner.Id, writable, forMap: true, out PageFrame? frame);
                if (status != GntSt.Okay)
                {
                    _maptrack.Put(handle);
                    return status;
                }

                // create_grant_p2m_mapping: only a plain host mapping, at a
                // page-aligned free gfn of the map space; any failure is
                // GNTST_general_error there (Xen ignores the low 12 bits of
                // host_addr; we refuse them as the guest's bug).
                Gfn gfn = Gfn.FromAddress(op.HostAddr);
                if ((op.Flags & ~GntMapFlags.Readonly) != GntMapFlags.HostMap
                    || (op.HostAddr & XenPage.Mask) != 0
                    || !_owner.Memory.TryMapForeign(gfn, frame!))
                {
                    rgt.Unpin(op.Ref, writable, forMap: true);
                    _maptrack.Put(handle);
                    return GntSt.GeneralError;
                }

                frame!.AddForeignMap();
                ref MaptrackEntry map = ref _maptrack[handle];
                map.Granter = granter;
                map.Ref = op.Ref;
                map.Gfn = gfn;
                map.Frame = frame;
                map.Flags = op.Flags;
                op.Handle = new GrantHandle(handle);
                op.DevBusAddr = DevBusAddress(frame);
                return GntSt.Okay;
            }
        }
    }

    /// <summary>The machine address map_grant_ref reports in dev_bus_addr, and unmap checks when given.</summary>
    private static ulong DevBusAddress(PageFrame frame) => frame.Mfn.Value << XenPage.Shift;
}
