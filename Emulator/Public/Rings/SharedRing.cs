namespace XvifSim.Public.Rings;

/// <summary>
/// The shared header of an io/ring.h ring page, 64 bytes: req_prod u32 @0,
/// req_event @4, rsp_prod @8, rsp_event @12, then private bytes and padding;
/// the entries (a union of request and response) start at @64.
/// </summary>
public static class SharedRing
{
    /// <summary>Byte offset of req_prod, as xen/include/public/io/ring.h lays it out.</summary>
    public const int ReqProdOffset = 0;
    /// <summary>Byte offset of req_event, as xen/include/public/io/ring.h lays it out.</summary>
    public const int ReqEventOffset = 4;
    /// <summary>Byte offset of rsp_prod, as xen/include/public/io/ring.h lays it out.</summary>
    public const int RspProdOffset = 8;
    /// <summary>Byte offset of rsp_event, as xen/include/public/io/ring.h lays it out.</summary>
    public const int RspEventOffset = 12;

    /// <summary>Bytes before the first entry.</summary>
    public const int HeaderSize = 64;

    /// <summary>
    /// __RING_SIZE: the largest power of two of entries of
    /// <paramref name="entrySize"/> bytes that fit in a page after the header.
    /// </summary>
    public static uint Size(int entrySize)
    {
        uint fit = (uint)((XenPage.Size - HeaderSize) / entrySize);
        return fit == 0 ? 0 : 1u << (31 - System.Numerics.BitOperations.LeadingZeroCount(fit));
    }

    /// <summary>The byte offset of the entry at <paramref name="index"/> in a ring of <paramref name="size"/> entries.</summary>
    public static int EntryOffset(RingIndex index, uint size, int entrySize) => HeaderSize + index.Slot(size) * entrySize;

    /// <summary>SHARED_RING_INIT: indices zero, both event thresholds 1, private bytes cleared.</summary>
    public static void Init(Span<byte> page)
    {
        page[..HeaderSize].Clear();
        SharedBits.WriteU32(page, ReqEventOffset, 1);
        SharedBits.WriteU32(page, RspEventOffset, 1);
    }

    /// <summary>
    /// The notify test of RING_PUSH_*_AND_CHECK_NOTIFY: the peer asked to be
    /// woken at <paramref name="eventIndex"/>, and the push moved the producer
    /// from <paramref name="old"/> past it to <paramref name="updated"/>
    /// (u32 arithmetic: (new - event) &lt; (new - old)).
    /// </summary>
    public static bool ShouldNotify(RingIndex updated, RingIndex eventIndex, RingIndex old) =>
        updated - eventIndex < updated - old;
}
