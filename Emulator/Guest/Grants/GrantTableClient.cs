using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Guest.Grants;

/// <summary>
/// The granting side of the grant table, as a guest kernel runs it (Linux's
/// gnttab_grant_foreign_access / gnttab_end_foreign_access_ref): a free list
/// of references, entries written in the shared grant frames in the order
/// grant_table.h requires, and an end of access that fails while Xen still
/// has the entry in use. The first GNTTAB_NR_RESERVED_ENTRIES (8) references
/// are never handed out (1 is the toolstack's XenStore grant). Runs on the
/// guest's vCPU only.
/// </summary>
public sealed class GrantTableClient
{
    /// <summary>GNTTAB_NR_RESERVED_ENTRIES (grant_table.h).</summary>
    public const uint ReservedEntries = 8;

    private readonly IHypercalls _hypercalls;
    private readonly Stack<uint> _free = new();
    private readonly HashSet<uint> _inUse = [];
    private Gfn[] _frames = [];

    /// <summary>Sets up the domain's grant table (GNTTABOP_setup_table) through <paramref name="hypercalls"/>.</summary>
    /// <param name="hypercalls">The domain's hypercall facade.</param>
    public GrantTableClient(IHypercalls hypercalls)
    {
        _hypercalls = hypercalls;
        Grow(1);
    }

    /// <summary>References currently granted.</summary>
    public int InUse => _inUse.Count;

    /// <summary>Entries the table holds now (512 per frame).</summary>
    public uint Capacity => (uint)_frames.Length * GrantEntryV1.EntriesPerFrame;

    /// <summary>
    /// Grants <paramref name="domain"/> access to the guest's frame <paramref name="gfn"/>.
    /// False when no reference is free and the table cannot grow (max_grant_frames).
    /// </summary>
    public bool TryGrantForeignAccess(DomId domain, Gfn gfn, bool readOnly, out GrantRef gref)
    {
        if (_free.Count == 0 && !Grow((uint)_frames.Length + 1))
        {
            gref = default;
            return false;
        }

        gref = new GrantRef(_free.Pop());
        _inUse.Add(gref.Value);
        GtfFlags flags = GtfFlags.PermitAccess | (readOnly ? GtfFlags.Readonly : GtfFlags.Invalid);
        GrantEntryV1.Write(Frame(gref), GrantEntryV1.OffsetInFrame(gref), domain, checked((uint)gfn.Value), flags);
        return true;
    }

    /// <summary>
    /// Ends access through <paramref name="gref"/> and frees the reference.
    /// Returns false, leaving the grant in place, while the grantee still has
    /// it mapped or is copying (GTF_reading/GTF_writing set): reusing the
    /// page then would leak data to it (grant_table.h; XSA-396).
    /// </summary>
    public bool EndForeignAccess(GrantRef gref)
    {
        if (!_inUse.Contains(gref.Value))
        {
            throw new ArgumentException($"{gref} is not granted", nameof(gref));
        }

        Span<byte> frame = Frame(gref);
        int offset = GrantEntryV1.OffsetInFrame(gref);
        while (true)
        {
            GtfFlags flags = GrantEntryV1.ReadFlags(frame, offset);
            if ((flags & (GtfFlags.Reading | GtfFlags.Writing)) != 0)
            {
                return false;
            }

            if (GrantEntryV1.CompareExchangeFlags(frame, offset, GtfFlags.Invalid, flags) == flags)
            {
                break;
            }
        }

        _inUse.Remove(gref.Value);
        _free.Push(gref.Value);
        return true;
    }

    /// <summary>The flags Xen currently shows on <paramref name="gref"/>'s entry.</summary>
    public GtfFlags Flags(GrantRef gref) => GrantEntryV1.ReadFlags(Frame(gref), GrantEntryV1.OffsetInFrame(gref));

    private Span<byte> Frame(GrantRef gref) => _hypercalls.Memory.Page(_frames[GrantEntryV1.FrameIndex(gref)]);

    private bool Grow(uint frames)
    {
        var setup = new GnttabSetupTable { Dom = DomId.Self, NrFrames = frames };
        _hypercalls.GrantTable.SetupTable(ref setup);
        if (setup.Status != GntSt.Okay || setup.FrameList is null)
        {
            return false;
        }

        uint oldCapacity = Capacity;
        _frames = setup.FrameList;
        // Push in reverse so the lowest references are handed out first.
        for (uint r = Capacity; r-- > Math.Max(oldCapacity, ReservedEntries);)
        {
            _free.Push(r);
        }

        return true;
    }
}
