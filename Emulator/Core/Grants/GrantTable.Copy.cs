using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Faults;
using XvifSim.Emulator.Memory;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Trace;

namespace XvifSim.Emulator.Grants;

/// <summary>
/// GNTTABOP_copy (Xen's gnttab_copy_one and helpers). Each element is done on
/// its own, with its own status: the sides' domains, then the source, then
/// the destination are claimed (a grant side takes a transient copy pin,
/// which sets GTF_reading, or GTF_writing for the destination), then the
/// bounds are checked and the bytes copied outside any lock, then the pins
/// are dropped. Nothing is allocated per element: this is the network data path.
/// </summary>
public sealed partial class GrantTable
{
    /// <summary>GNTTABOP_copy: runs each op in turn, writing its status (GNTST_*) into it.</summary>
    public void Copy(Span<GnttabCopy> ops)
    {
        IFaultHooks? faults = _owner.Machine.Faults;
        ITraceChannel? trace = _owner.Machine.HypervisorTrace;
        foreach (ref GnttabCopy op in ops)
        {
            // A fault plan may answer an element before anything is pinned (Machine.Faults).
            GntSt injected = faults is null ? GntSt.Okay : faults.CopyGrant(_owner, in op);
            op.Status = injected != GntSt.Okay ? injected : CopyOne(in op);
            if (trace is not null)
            {
                TraceRecord.EmitGnttabCopy(trace, _owner.Id, in op);
            }
        }
    }

    private GntSt CopyOne(in GnttabCopy op)
    {
        bool sourceIsGref = (op.Flags & GntCopyFlags.SourceGref) != 0;
        bool destIsGref = (op.Flags & GntCopyFlags.DestGref) != 0;

        // gnttab_copy_lock_domains: source first, then dest.
        Domain? sourceDomain = FindCopyDomain(op.Source.Domid, sourceIsGref, out GntSt status);
        if (sourceDomain is null)
        {
            return status;
        }

        Domain? destDomain = FindCopyDomain(op.Dest.Domid, destIsGref, out status);
        if (destDomain is null)
        {
            return status;
        }

        PageFrame? source = Claim(sourceDomain, op.Source, sourceIsGref, writable: false, out status);
        if (source is null)
        {
            return status;
        }

        PageFrame? dest = Claim(destDomain, op.Dest, destIsGref, writable: true, out status);
        if (dest is not null)
        {
            // gnttab_copy_buf checks the bounds only once both sides are claimed.
            if (op.Source.Offset + op.Len > XenPage.Size || op.Dest.Offset + op.Len > XenPage.Size)
            {
                status = GntSt.BadCopyArg;
            }
            else
            {
                // Both pages are native memory that cannot be freed while the
                // pins are held (Machine.ReapIfUnreferenced): a plain memmove.
                source.Span.Slice(op.Source.Offset, op.Len).CopyTo(dest.Span.Slice(op.Dest.Offset, op.Len));
            }

            if (destIsGref)
            {
                destDomain.GrantTable.UnpinForCopy(op.Dest.Ref, writable: true);
            }
        }

        if (sourceIsGref)
        {
            sourceDomain.GrantTable.UnpinForCopy(op.Source.Ref, writable: false);
        }

        return status;
    }

    /// <summary>
    /// gnttab_copy_lock_domain: a side given by frame must name DOMID_SELF
    /// (copy by frame only into or out of one's own memory), else
    /// GNTST_permission_denied; an unknown domain is GNTST_bad_domain, and so
    /// is a dying granter (as for map).
    /// </summary>
    private Domain? FindCopyDomain(DomId domid, bool isGref, out GntSt status)
    {
        if (!isGref && domid != DomId.Self)
        {
            status = GntSt.PermissionDenied;
            return null;
        }

        if (!TryFindByAnyId(domid, out Domain? domain) || (isGref && domain != _owner && domain.IsDying))
        {
            status = GntSt.BadDomain;
            return null;
        }

        status = GntSt.Okay;
        return domain;
    }

    /// <summary>
    /// gnttab_copy_claim_buf: the frame of one side. A grant side is pinned in
    /// its granter's table for the caller; a frame side must be a frame the
    /// caller owns (nothing there, or a foreign page it maps, is GNTST_bad_page).
    /// </summary>
    private PageFrame? Claim(Domain domain, in GnttabCopyPtr side, bool isGref, bool writable, out GntSt status)
    {
        if (isGref)
        {
            return domain.GrantTable.PinForCopy(side.Ref, _owner.Id, writable, out status);
        }

        PageFrame? frame = _owner.Memory.Frame(side.Gmfn);
        if (frame is null || frame.Owner != _owner.Id)
        {
            status = GntSt.BadPage;
            return null;
        }

        status = GntSt.Okay;
        return frame;
    }

    /// <summary>
    /// acquire_grant_for_copy on this (the granter's) table. The copy itself
    /// runs outside the lock, so the pin also holds the granter's memory:
    /// a granter that is dying by the time the lock is held is refused
    /// (GNTST_bad_domain, as FindCopyDomain would have answered a moment
    /// later), and one that dies while the copy runs is reaped only when the
    /// pin is dropped (<see cref="UnpinForCopy"/>). A domain copying its own
    /// grant is exempt: it is running, so it is not yet relinquished.
    /// </summary>
    private PageFrame? PinForCopy(GrantRef gref, DomId grantee, bool writable, out GntSt status)
    {
        lock (_lock)
        {
            if (_owner.IsDying && grantee != _owner.Id)
            {
                status = GntSt.BadDomain;
                return null;
            }

            status = Pin(gref, grantee, writable, forMap: false, out PageFrame? frame);
            if (status == GntSt.Okay)
            {
                _copyPins++;
            }

            return frame;
        }
    }

    /// <summary>release_grant_for_copy on this (the granter's) table; frees a dying granter whose last pin this was.</summary>
    private void UnpinForCopy(GrantRef gref, bool writable)
    {
        bool lastPin;
        lock (_lock)
        {
            Unpin(gref, writable, forMap: false);
            _copyPins--;
            lastPin = _copyPins == 0 && _mapPins == 0;
        }

        if (lastPin)
        {
            ReapIfDying(_owner);
        }
    }
}
