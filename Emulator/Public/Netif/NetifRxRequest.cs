using System.Buffers.Binary;
using XvifSim.Public.Rings;

namespace XvifSim.Public.Netif;

/// <summary>netif.h's <c>netif_rx_request</c>, 8 bytes: id u16 @0, pad u16 @2, gref u32 @4.</summary>
public struct NetifRxRequest : IRingEntry
{
    /// <summary>Size in bytes, as xen/include/public/io/netif.h lays it out.</summary>
    public const int Size = 8;

    /// <summary>The entry's size for <see cref="IRingEntry"/>: <see cref="Size"/>.</summary>
    static int IRingEntry.EntrySize => Size;

    /// <summary>Byte offset of id, as xen/include/public/io/netif.h lays it out.</summary>
    public const int IdOffset = 0;
    /// <summary>Byte offset of gref, as xen/include/public/io/netif.h lays it out.</summary>
    public const int GrefOffset = 4;

    /// <summary>netif_rx_request.id in xen/include/public/io/netif.h.</summary>
    public ushort Id;
    /// <summary>netif_rx_request.gref in xen/include/public/io/netif.h.</summary>
    public GrantRef Gref;

    /// <summary>Reads one entry from <paramref name="entry"/> (each field once).</summary>
    public static NetifRxRequest Read(ReadOnlySpan<byte> entry) => new()
    {
        Id = BinaryPrimitives.ReadUInt16LittleEndian(entry[IdOffset..]),
        Gref = new GrantRef(BinaryPrimitives.ReadUInt32LittleEndian(entry[GrefOffset..])),
    };

    /// <summary>Writes this entry into <paramref name="entry"/>.</summary>
    public readonly void Write(Span<byte> entry)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(entry[IdOffset..], Id);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[(IdOffset + 2)..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[GrefOffset..], Gref.Value);
    }
}
