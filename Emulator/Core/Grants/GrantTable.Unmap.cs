using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Trace;

namespace XvifSim.Emulator.Grants;

/// <summary>GNTTABOP_unmap_grant_ref (Xen's unmap_common and its completion) and gnttab_release_mappings.</summary>
public sealed partial class GrantTable
{
    /// <summary>GNTTABOP_unmap_grant_ref: runs each op in turn, writing its status into it.</summary>
    public void UnmapGrantRef(Span<GnttabUnmapGrantRef> ops)
    {
        foreach (ref GnttabUnmapGrantRef op in ops)
        {
            op.Status = UnmapOne(op.Handle.Value, op.HostAddr, op.DevBusAddr, out Domain? unmappedFrom);
            if (_owner.Machine.HypervisorTrace is { } trace)
            {
                TraceRecord.EmitGnttabUnmap(trace, _owner.Id, op.Handle, op.Status);
            }

            if (unmappedFrom is not null)
            {
                ReapIfDying(unmappedFrom);
            }
        }
    }

    /// <summary>
    /// gnttab_release_mappings: on destruction, unmap every handle this domain
    /// holds, releasing the pins on the granters; a dying granter whose last
    /// mapping this was is then freed.
    /// </summary>
    internal void ReleaseMappings()
    {
        var granters = new HashSet<Domain>();
        uint limit;
        lock (_lock)
        {
            limit = _maptrack.Limit;
        }

        for (uint handle = 0; handle < limit; handle++)
        {
            ulong hostAddr;
            lock (_lock)
            {
                if (!_maptrack[handle].InUse)
                {
                    continue;
                }

                hostAddr = _maptrack[handle].Gfn.Address;
            }

            // A concurrent unmap of the same handle makes this one bad_handle: nothing left to release.
            if (UnmapOne(handle, hostAddr, devBusAddr: 0, out Domain? unmappedFrom) == GntSt.Okay)
            {
                granters.Add(unmappedFrom!);
            }
        }

        foreach (Domain granter in granters)
        {
            ReapIfDying(granter);
        }
    }

    private GntSt UnmapOne(uint handle, ulong hostAddr, ulong devBusAddr, out Domain? unmappedFrom)
    {
        unmappedFrom = null;
        Domain granter;
        GrantRef gref;
        lock (_lock)
        {
            if (handle >= _maptrack.Limit || !_maptrack[handle].InUse)
            {
                return GntSt.BadHandle;
            }

            granter = _maptrack[handle].Granter!;
            gref = _maptrack[handle].Ref;
        }

        GrantTable rgt = granter.GrantTable;
        (Lock first, Lock second) = InOrder(this, rgt);
        lock (first)
        {
            lock (second)
            {
                // The handle was read without the granter's lock: another vCPU
                // may have unmapped (or even reused) it meanwhile (Xen's
                // "Unstable handle").
                ref MaptrackEntry map = ref _maptrack[handle];
                if (!map.InUse || map.Granter != granter || map.Ref != gref)
                {
                    return GntSt.BadHandle;
                }

                if (devBusAddr != 0 && devBusAddr != DevBusAddress(map.Frame!))
                {
                    return GntSt.GeneralError;
                }

                // Xen undoes only what the request names: without host_addr
                // (and with no device mapping to undo) it does nothing, keeps
                // the handle and reports success.
                if (hostAddr == 0)
                {
                    return GntSt.Okay;
                }

                // replace_grant_p2m_mapping: host_addr must be where this
                // handle's frame is mapped, else GNTST_general_error. Xen
                // accepts any gfn holding a grant mapping of the same frame; we
                // require this handle's own gfn, so the handle and the p2m
                // cannot get out of step.
                if (hostAddr != map.Gfn.Address)
                {
                    return GntSt.GeneralError;
                }

                if (!_owner.Memory.TryUnmapForeign(map.Gfn, map.Frame!))
                {
                    throw new InvalidOperationException($"{_owner}: {map.Gfn} does not hold the frame of handle {handle}");
                }

                map.Frame!.RemoveForeignMap();
                rgt.Unpin(gref, !map.IsReadonly, forMap: true);
                _maptrack.Put(handle);
                unmappedFrom = granter;
                return GntSt.Okay;
            }
        }
    }
}
