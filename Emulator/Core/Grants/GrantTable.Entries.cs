using XvifSim.Emulator.Memory;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Emulator.Grants;

/// <summary>The granter's side: shared grant frames, active entries and pinning (Xen's _set_status_v1 and friends).</summary>
public sealed partial class GrantTable
{
    /// <summary>INITIAL_NR_GRANT_FRAMES: every table starts with one frame (512 v1 entries).</summary>
    private const uint InitialFrames = 1;

    /// <summary>
    /// Xen retries its compare-and-swap of a shared entry at most this many
    /// times: the guest can rewrite the entry faster than we can swap it, and
    /// must not be able to make the hypervisor spin ("Shared grant entry is unstable").
    /// </summary>
    private const int MaxSwapAttempts = 5;

    /// <summary>The shared grant frames, placed at PhysMap.GrantFramesStart + i in the owner's p2m; MaxGrantFrames long.</summary>
    private readonly PageFrame[] _frames;
    private uint _nrFrames;
    private ActiveEntry[] _active = [];

    /// <summary>Map pins on all of this table's entries: non-zero keeps a dying owner a zombie.</summary>
    private int _mapPins;

    /// <summary>Copy pins of grant copies in flight on this table's entries: non-zero keeps a dying owner's memory from being freed under the copy.</summary>
    private int _copyPins;

    private uint NrEntries => _nrFrames * GrantEntryV1.EntriesPerFrame;

    /// <summary>gnttab_grow_table: allocates and places frames up to <paramref name="nrFrames"/>. Caller holds the lock.</summary>
    private void Grow(uint nrFrames)
    {
        for (uint i = _nrFrames; i < nrFrames; i++)
        {
            _frames[i] = _owner.Memory.PlaceOwn(FrameGfn(i));
        }

        Array.Resize(ref _active, checked((int)(nrFrames * GrantEntryV1.EntriesPerFrame)));
        _nrFrames = nrFrames;
    }

    /// <summary>Where grant frame <paramref name="index"/> sits in the owner's physical address space.</summary>
    private Gfn FrameGfn(uint index) => new(_owner.Memory.Layout.GrantFramesStart.Value + index);

    /// <summary>
    /// Takes a pin on entry <paramref name="gref"/> for <paramref name="grantee"/>
    /// (map_grant_ref's and acquire_grant_for_copy's checks, in Xen's order),
    /// marking the shared entry busy when the pin is the first, or the first
    /// writable one. Caller holds this table's lock.
    /// </summary>
    private GntSt Pin(GrantRef gref, DomId grantee, bool writable, bool forMap, out PageFrame? frame)
    {
        frame = null;
        if (gref.Value >= NrEntries)
        {
            return GntSt.BadGntref;
        }

        ref ActiveEntry act = ref _active[gref.Value];

        // Pinned already: only for the same grantee, and not past the pin counters' range.
        if (act.IsPinned && (act.Domid != grantee || act.WouldOverflow))
        {
            return GntSt.GeneralError;
        }

        bool wasPinned = act.IsPinned;
        if (!wasPinned || (writable && !act.HasWritePins))
        {
            GntSt status = MarkBusy(gref, wasPinned, grantee, writable, forMap);
            if (status != GntSt.Okay)
            {
                return status;
            }

            if (!wasPinned)
            {
                PageFrame? resolved = ResolveGrantedFrame(gref);
                if (resolved is null)
                {
                    ClearBusy(gref, act.FlagsToClear(writable));
                    return GntSt.BadPage;
                }

                act.Domid = grantee;
                act.Frame = resolved;
            }
        }

        if (forMap)
        {
            _mapPins++;
            if (writable)
            {
                act.MapWritePins++;
            }
            else
            {
                act.MapReadPins++;
            }
        }
        else if (writable)
        {
            act.CopyWritePins++;
        }
        else
        {
            act.CopyReadPins++;
        }

        frame = act.Frame;
        return GntSt.Okay;
    }

    /// <summary>Drops a pin taken by <see cref="Pin"/> and clears the busy bits no remaining pin needs. Caller holds this table's lock.</summary>
    private void Unpin(GrantRef gref, bool writable, bool forMap)
    {
        ref ActiveEntry act = ref _active[gref.Value];
        if (forMap)
        {
            _mapPins--;
            if (writable)
            {
                act.MapWritePins--;
            }
            else
            {
                act.MapReadPins--;
            }
        }
        else if (writable)
        {
            act.CopyWritePins--;
        }
        else
        {
            act.CopyReadPins--;
        }

        if (act.MapReadPins < 0 || act.MapWritePins < 0 || act.CopyReadPins < 0 || act.CopyWritePins < 0)
        {
            throw new InvalidOperationException($"{_owner}: pin count of gref {gref.Value} went negative");
        }

        ClearBusy(gref, act.FlagsToClear(writable));
        if (!act.IsPinned)
        {
            act.Frame = null;
        }
    }

    /// <summary>
    /// _set_status_v1: sets GTF_reading (and GTF_writing for a writable pin)
    /// on the shared entry with a compare-and-swap of flags and domid together,
    /// re-checking what it read on every attempt since the guest may rewrite
    /// the entry at any moment. An entry not yet pinned must be
    /// GTF_permit_access for <paramref name="grantee"/>; a mapping also refuses
    /// GTF_sub_page. Both failures, and a writable pin of a GTF_readonly grant,
    /// are GNTST_general_error in Xen's code (the ABI notes say
    /// permission_denied for the readonly case; we follow the code).
    /// </summary>
    private GntSt MarkBusy(GrantRef gref, bool pinned, DomId grantee, bool writable, bool forMap)
    {
        Span<byte> frame = _frames[GrantEntryV1.FrameIndex(gref)].Span;
        int offset = GrantEntryV1.OffsetInFrame(gref);
        GtfFlags typeMask = forMap ? GtfFlags.TypeMask | GtfFlags.SubPage : GtfFlags.TypeMask;
        for (int attempt = 1; ; attempt++)
        {
            GtfFlags flags = GrantEntryV1.ReadFlagsAndDomId(frame, offset, out DomId domid);
            if (!pinned && ((flags & typeMask) != GtfFlags.PermitAccess || domid != grantee))
            {
                return GntSt.GeneralError;
            }

            GtfFlags busy = flags | GtfFlags.Reading;
            if (writable)
            {
                if ((flags & GtfFlags.Readonly) != 0)
                {
                    return GntSt.GeneralError;
                }

                busy |= GtfFlags.Writing;
            }

            if (GrantEntryV1.CompareExchangeFlagsAndDomId(frame, offset, busy, flags, domid))
            {
                return GntSt.Okay;
            }

            if (attempt == MaxSwapAttempts)
            {
                return GntSt.GeneralError;
            }
        }
    }

    /// <summary>gnttab_clear_flags: atomically clears busy bits on the shared entry.</summary>
    private void ClearBusy(GrantRef gref, GtfFlags bits)
    {
        if (bits != GtfFlags.Invalid)
        {
            GrantEntryV1.ClearFlags(_frames[GrantEntryV1.FrameIndex(gref)].Span, GrantEntryV1.OffsetInFrame(gref), bits);
        }
    }

    /// <summary>
    /// The frame an entry grants (get_paged_frame): its frame field is a gfn
    /// of the granter's own address space, read once. Nothing there, or a
    /// frame the granter does not own (a foreign page it has mapped, which Xen
    /// refuses to re-grant), is GNTST_bad_page; null here.
    /// </summary>
    private PageFrame? ResolveGrantedFrame(GrantRef gref)
    {
        ReadOnlySpan<byte> entry = _frames[GrantEntryV1.FrameIndex(gref)].Span.Slice(GrantEntryV1.OffsetInFrame(gref), GrantEntryV1.Size);
        PageFrame? frame = _owner.Memory.Frame(new Gfn(GrantEntryV1.ReadFrame(entry)));
        return frame is not null && frame.Owner == _owner.Id ? frame : null;
    }
}
