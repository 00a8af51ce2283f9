namespace XvifSim.Public.Trace;

/// <summary>Records of shared-ring entries and indices (io/ring.h, netif.h).</summary>
public static partial class TraceRecord
{
    /// <summary>RING_ENTRY: ring u8 @8, end u8 @9, action u8 @10, entry length u8 @11, index u32 @12, slot u32 @16, the entry's netif.h bytes @20.</summary>
    public const int RingEntryOffset = 20;

    /// <summary>The largest entry a ring record carries (netif_tx_request, 12 bytes; kept to 16).</summary>
    public const int RingEntryCap = 16;

    /// <summary>RING_INDEX: ring u8 @8, end u8 @9, index kind u8 @10, notify u8 @11, old u32 @12, new u32 @16, peer's event index u32 @20.</summary>
    public const int RingIndexSize = 24;

    /// <summary>Formats a RING_ENTRY record into <paramref name="record"/> (at least <see cref="RingEntryOffset"/> plus <see cref="RingEntryCap"/> bytes), keeping at most <see cref="RingEntryCap"/> bytes of <paramref name="entry"/>, and gives its length.</summary>
    public static int FormatRingEntry(Span<byte> record, DomId domId, TraceRingKind ring, TraceRingEnd end, TraceRingAction action, RingIndex index, uint slot, ReadOnlySpan<byte> entry)
    {
        int kept = Math.Min(entry.Length, RingEntryCap);
        int size = Header(record, TraceRecordType.RingEntry, domId, RingEntryOffset + kept);
        record[8] = (byte)ring;
        record[9] = (byte)end;
        record[10] = (byte)action;
        record[11] = (byte)kept;
        U32(record, 12, index.Value);
        U32(record, 16, slot);
        entry[..kept].CopyTo(record[RingEntryOffset..]);
        return size;
    }

    /// <summary>Formats a RING_INDEX record into <paramref name="record"/> (at least <see cref="RingIndexSize"/> bytes) and gives its length.</summary>
    public static int FormatRingIndex(Span<byte> record, DomId domId, TraceRingKind ring, TraceRingEnd end, TraceRingIndexKind kind, bool notify, RingIndex oldValue, RingIndex newValue, RingIndex peerEvent)
    {
        int size = Header(record, TraceRecordType.RingIndex, domId, RingIndexSize);
        record[8] = (byte)ring;
        record[9] = (byte)end;
        record[10] = (byte)kind;
        record[11] = notify ? (byte)1 : (byte)0;
        U32(record, 12, oldValue.Value);
        U32(record, 16, newValue.Value);
        U32(record, 20, peerEvent.Value);
        return size;
    }
}
