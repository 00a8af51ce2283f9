using System.Buffers.Binary;
using XvifSim.Public.Rings;

namespace XvifSim.Public.Netif;

/// <summary>
/// netif.h's <c>netif_rx_response</c>, 8 bytes: id u16 @0, offset u16 @2,
/// flags u16 @4, status s16 @6. A status of 0 or more is the number of bytes
/// placed at offset in the page; a negative one is a NETIF_RSP_* error.
/// </summary>
public struct NetifRxResponse : IRingEntry
{
    /// <summary>Size in bytes, as xen/include/public/io/netif.h lays it out.</summary>
    public const int Size = 8;

    /// <summary>The entry's size for <see cref="IRingEntry"/>: <see cref="Size"/>.</summary>
    static int IRingEntry.EntrySize => Size;

    /// <summary>Byte offset of id, as xen/include/public/io/netif.h lays it out.</summary>
    public const int IdOffset = 0;
    /// <summary>Byte offset of offset, as xen/include/public/io/netif.h lays it out.</summary>
    public const int OffsetOffset = 2;
    /// <summary>Byte offset of flags, as xen/include/public/io/netif.h lays it out.</summary>
    public const int FlagsOffset = 4;
    /// <summary>Byte offset of status, as xen/include/public/io/netif.h lays it out.</summary>
    public const int StatusOffset = 6;

    /// <summary>netif_rx_response.id in xen/include/public/io/netif.h.</summary>
    public ushort Id;
    /// <summary>offset: where the data starts within the granted page.</summary>
    public ushort Offset;
    /// <summary>netif_rx_response.flags in xen/include/public/io/netif.h.</summary>
    public NetRxFlags Flags;
    /// <summary>Bytes of data if positive, else a NETIF_RSP_* error.</summary>
    public short Status;

    /// <summary>Reads one entry from <paramref name="entry"/> (each field once).</summary>
    public static NetifRxResponse Read(ReadOnlySpan<byte> entry) => new()
    {
        Id = BinaryPrimitives.ReadUInt16LittleEndian(entry[IdOffset..]),
        Offset = BinaryPrimitives.ReadUInt16LittleEndian(entry[OffsetOffset..]),
        Flags = (NetRxFlags)BinaryPrimitives.ReadUInt16LittleEndian(entry[FlagsOffset..]),
        Status = BinaryPrimitives.ReadInt16LittleEndian(entry[StatusOffset..]),
    };

    /// <summary>Writes this entry into <paramref name="entry"/>.</summary>
    public readonly void Write(Span<byte> entry)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(entry[IdOffset..], Id);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[OffsetOffset..], Offset);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[FlagsOffset..], (ushort)Flags);
        BinaryPrimitives.WriteInt16LittleEndian(entry[StatusOffset..], Status);
    }
}
