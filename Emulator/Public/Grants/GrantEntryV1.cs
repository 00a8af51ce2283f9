using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Threading;

namespace XvifSim.Public.Grants;

/// <summary>
/// grant_table.h's <c>grant_entry_v1</c>, 8 bytes: flags u16 @0, domid u16 @2,
/// frame u32 @4, little-endian, 512 to a 4096-byte grant frame.
///
/// Both the granting guest and the hypervisor read and write these bytes in
/// the shared grant frame, so updates of the flags are atomic. The ABI's
/// rule (grant_table.h, "rough guidelines"): the granter writes domid and
/// frame, then a write barrier, then flags; to end access it clears flags
/// with a compare-and-swap that fails while GTF_reading or GTF_writing is set.
/// </summary>
public static class GrantEntryV1
{
    /// <summary>Size in bytes, as xen/include/public/grant_table.h lays it out.</summary>
    public const int Size = 8;
    /// <summary>Byte offset of flags, as xen/include/public/grant_table.h lays it out.</summary>
    public const int FlagsOffset = 0;
    /// <summary>Byte offset of domid, as xen/include/public/grant_table.h lays it out.</summary>
    public const int DomIdOffset = 2;
    /// <summary>Byte offset of frame, as xen/include/public/grant_table.h lays it out.</summary>
    public const int FrameOffset = 4;

    /// <summary>Entries in one grant frame (PAGE_SIZE / sizeof(grant_entry_v1)).</summary>
    public const int EntriesPerFrame = XenPage.Size / Size;

    /// <summary>The byte offset of <paramref name="gref"/>'s entry within its grant frame.</summary>
    public static int OffsetInFrame(GrantRef gref) => (int)(gref.Value % EntriesPerFrame) * Size;

    /// <summary>The index of the grant frame that holds <paramref name="gref"/>.</summary>
    public static int FrameIndex(GrantRef gref) => (int)(gref.Value / EntriesPerFrame);

    /// <summary>Reads the entry's domid (the domain granted access).</summary>
    public static DomId ReadDomId(ReadOnlySpan<byte> entry) =>
        new(BinaryPrimitives.ReadUInt16LittleEndian(entry[DomIdOffset..]));

    /// <summary>Reads the entry's frame (the granted page).</summary>
    public static uint ReadFrame(ReadOnlySpan<byte> entry) =>
        BinaryPrimitives.ReadUInt32LittleEndian(entry[FrameOffset..]);

    /// <summary>Reads the flags once, atomically (the entry is 8-byte aligned in its frame).</summary>
    public static GtfFlags ReadFlags(Span<byte> frame, int entryOffset) =>
        (GtfFlags)(ushort)Volatile.Read(ref FlagsWord(frame, entryOffset));

    /// <summary>
    /// Compare-and-swap of the flags half-word, as Xen's cmpxchg on the entry.
    /// Returns the flags found; the swap happened if they equal <paramref name="expected"/>.
    /// </summary>
    public static GtfFlags CompareExchangeFlags(Span<byte> frame, int entryOffset, GtfFlags value, GtfFlags expected)
    {
        ref uint word = ref FlagsWord(frame, entryOffset);
        while (true)
        {
            uint old = Volatile.Read(ref word);
            if ((GtfFlags)(ushort)old != expected)
            {
                return (GtfFlags)(ushort)old;
            }

            uint updated = (old & 0xFFFF0000u) | (ushort)value;
            if (Interlocked.CompareExchange(ref word, updated, old) == old)
            {
                return expected;
            }
        }
    }

    /// <summary>
    /// Reads flags and domid together with one atomic 32-bit load, as Xen reads
    /// the "grant_combo" before checking an entry.
    /// </summary>
    public static GtfFlags ReadFlagsAndDomId(Span<byte> frame, int entryOffset, out DomId domid)
    {
        uint word = Volatile.Read(ref FlagsWord(frame, entryOffset));
        domid = new DomId((ushort)(word >> 16));
        return (GtfFlags)(ushort)word;
    }

    /// <summary>
    /// Compare-and-swap of the whole flags+domid word (Xen's cmpxchg on the
    /// grant_combo): the flags become <paramref name="value"/> only if both the
    /// flags and the domid are still the expected ones. True if the swap happened.
    /// </summary>
    public static bool CompareExchangeFlagsAndDomId(Span<byte> frame, int entryOffset, GtfFlags value, GtfFlags expectedFlags, DomId expectedDomId)
    {
        uint expected = ((uint)expectedDomId.Value << 16) | (ushort)expectedFlags;
        uint updated = ((uint)expectedDomId.Value << 16) | (ushort)value;
        return Interlocked.CompareExchange(ref FlagsWord(frame, entryOffset), updated, expected) == expected;
    }

    /// <summary>Atomically clears <paramref name="bits"/> of the flags, leaving the domid alone (Xen's gnttab_clear_flags).</summary>
    public static void ClearFlags(Span<byte> frame, int entryOffset, GtfFlags bits) =>
        Interlocked.And(ref FlagsWord(frame, entryOffset), ~(uint)(ushort)bits);

    /// <summary>
    /// Writes a complete entry the way a granting guest must: domid and frame
    /// first, a barrier, then flags (grant_table.h).
    /// </summary>
    public static void Write(Span<byte> frame, int entryOffset, DomId domid, uint grantedFrame, GtfFlags flags)
    {
        Span<byte> entry = frame.Slice(entryOffset, Size);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[DomIdOffset..], domid.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[FrameOffset..], grantedFrame);
        ref uint word = ref FlagsWord(frame, entryOffset);
        // wmb(): domid and frame must be visible before the entry becomes valid.
        Interlocked.MemoryBarrier();
        while (true)
        {
            uint old = Volatile.Read(ref word);
            uint updated = (old & 0xFFFF0000u) | (ushort)flags;
            if (Interlocked.CompareExchange(ref word, updated, old) == old)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The 32-bit word that holds flags (low half) and domid (high half),
    /// the "grant_combo" Xen updates as one. Little-endian, so flags is the low half.
    /// </summary>
    private static ref uint FlagsWord(Span<byte> frame, int entryOffset)
    {
        if ((entryOffset & (Size - 1)) != 0 || (uint)entryOffset > (uint)(Math.Min(frame.Length, XenPage.Size) - Size))
        {
            throw new ArgumentOutOfRangeException(nameof(entryOffset), entryOffset, "grant entries are 8-byte aligned within the frame");
        }

        return ref Unsafe.As<byte, uint>(ref frame[entryOffset]);
    }
}
