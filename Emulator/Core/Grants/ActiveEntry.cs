using XvifSim.Emulator.Memory;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Emulator.Grants;

/// <summary>
/// The hypervisor's private record of one grant entry while it is in use
/// (Xen's active_grant_entry, grant_table.c): the domain it is pinned for,
/// the frame the entry's gfn resolved to when it was first pinned, and pin
/// counts. Map pins are held by mappings (readonly and writable apart, Xen's
/// GNTPIN_hstr/GNTPIN_hstw); copy pins only for the length of one
/// GNTTABOP_copy element. Guarded by the granter's table lock.
/// </summary>
internal struct ActiveEntry
{
    /// <summary>
    /// Xen keeps each pin count in 8 bits and refuses a new pin once a count
    /// reaches 0x80 ("risk of counter overflow", map_grant_ref and
    /// acquire_grant_for_copy); copy pins share the host counts there.
    /// </summary>
    public const int PinLimit = 0x80;

    public int MapReadPins;
    public int MapWritePins;
    public int CopyReadPins;
    public int CopyWritePins;

    /// <summary>The domain the pins are for: only it may add more while any are held.</summary>
    public DomId Domid;

    /// <summary>The granted frame, resolved when the first pin was taken; null while unpinned.</summary>
    public PageFrame? Frame;

    public readonly bool IsPinned => MapReadPins + MapWritePins + CopyReadPins + CopyWritePins != 0;

    public readonly bool IsMapped => MapReadPins + MapWritePins != 0;

    public readonly bool HasWritePins => MapWritePins + CopyWritePins != 0;

    public readonly bool WouldOverflow =>
        MapReadPins + CopyReadPins >= PinLimit || MapWritePins + CopyWritePins >= PinLimit;

    /// <summary>
    /// The busy bits to clear after a pin was dropped (Xen's unmap and copy
    /// release): GTF_writing when the dropped pin was writable and no writable
    /// pin remains, GTF_reading when no pin at all remains.
    /// </summary>
    public readonly GtfFlags FlagsToClear(bool droppedWritable)
    {
        GtfFlags clear = GtfFlags.Invalid;
        if (droppedWritable && !HasWritePins)
        {
            clear |= GtfFlags.Writing;
        }

        if (!IsPinned)
        {
            clear |= GtfFlags.Reading;
        }

        return clear;
    }
}
