using System.Buffers.Binary;
using XvifSim.Public.Rings;

namespace XvifSim.Public.Netif;

/// <summary>
/// netif.h's <c>netif_tx_request</c>, 12 bytes: gref u32 @0, offset u16 @4,
/// flags u16 @6, id u16 @8, size u16 @10. The first slot of a packet carries
/// the whole packet's size; later slots their own length.
/// </summary>
public struct NetifTxRequest : IRingEntry
{
    /// <summary>Size in bytes, as xen/include/public/io/netif.h lays it out.</summary>
    public const int Size = 12;

    /// <summary>The entry's size for <see cref="IRingEntry"/>: <see cref="Size"/>.</summary>
    static int IRingEntry.EntrySize => Size;

    /// <summary>Byte offset of gref, as xen/include/public/io/netif.h lays it out.</summary>
    public const int GrefOffset = 0;
    /// <summary>Byte offset of offset, as xen/include/public/io/netif.h lays it out.</summary>
    public const int OffsetOffset = 4;
    /// <summary>Byte offset of flags, as xen/include/public/io/netif.h lays it out.</summary>
    public const int FlagsOffset = 6;
    /// <summary>Byte offset of id, as xen/include/public/io/netif.h lays it out.</summary>
    public const int IdOffset = 8;
    /// <summary>Byte offset of size, as xen/include/public/io/netif.h lays it out.</summary>
    public const int SizeOffset = 10;

    /// <summary>netif_tx_request.gref in xen/include/public/io/netif.h.</summary>
    public GrantRef Gref;
    /// <summary>offset: where the data starts within the granted page.</summary>
    public ushort Offset;
    /// <summary>netif_tx_request.flags in xen/include/public/io/netif.h.</summary>
    public NetTxFlags Flags;
    /// <summary>netif_tx_request.id in xen/include/public/io/netif.h.</summary>
    public ushort Id;
    /// <summary>size: the whole packet's size in the first request, this fragment's in the others.</summary>
    public ushort PacketSize;

    /// <summary>Copies a request out of the ring once (RING_COPY_REQUEST): later checks see only this copy.</summary>
    public static NetifTxRequest Read(ReadOnlySpan<byte> entry) => new()
    {
        Gref = new GrantRef(BinaryPrimitives.ReadUInt32LittleEndian(entry[GrefOffset..])),
        Offset = BinaryPrimitives.ReadUInt16LittleEndian(entry[OffsetOffset..]),
        Flags = (NetTxFlags)BinaryPrimitives.ReadUInt16LittleEndian(entry[FlagsOffset..]),
        Id = BinaryPrimitives.ReadUInt16LittleEndian(entry[IdOffset..]),
        PacketSize = BinaryPrimitives.ReadUInt16LittleEndian(entry[SizeOffset..]),
    };

    /// <summary>Writes this entry into <paramref name="entry"/>.</summary>
    public readonly void Write(Span<byte> entry)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry[GrefOffset..], Gref.Value);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[OffsetOffset..], Offset);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[FlagsOffset..], (ushort)Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[IdOffset..], Id);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[SizeOffset..], PacketSize);
    }
}
