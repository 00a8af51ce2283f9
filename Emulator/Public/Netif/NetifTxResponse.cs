using System.Buffers.Binary;
using XvifSim.Public.Rings;

namespace XvifSim.Public.Netif;

/// <summary>netif.h's <c>netif_tx_response</c>, 4 bytes: id u16 @0, status s16 @2.</summary>
public struct NetifTxResponse : IRingEntry
{
    /// <summary>Size in bytes, as xen/include/public/io/netif.h lays it out.</summary>
    public const int Size = 4;

    /// <summary>The entry's size for <see cref="IRingEntry"/>: <see cref="Size"/>.</summary>
    static int IRingEntry.EntrySize => Size;

    /// <summary>Byte offset of id, as xen/include/public/io/netif.h lays it out.</summary>
    public const int IdOffset = 0;
    /// <summary>Byte offset of status, as xen/include/public/io/netif.h lays it out.</summary>
    public const int StatusOffset = 2;

    /// <summary>netif_tx_response.id in xen/include/public/io/netif.h.</summary>
    public ushort Id;
    /// <summary>NETIF_RSP_* status.</summary>
    public NetifRsp Status;

    /// <summary>Reads one entry from <paramref name="entry"/> (each field once).</summary>
    public static NetifTxResponse Read(ReadOnlySpan<byte> entry) => new()
    {
        Id = BinaryPrimitives.ReadUInt16LittleEndian(entry[IdOffset..]),
        Status = (NetifRsp)BinaryPrimitives.ReadInt16LittleEndian(entry[StatusOffset..]),
    };

    /// <summary>Writes this entry into <paramref name="entry"/>.</summary>
    public readonly void Write(Span<byte> entry)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(entry[IdOffset..], Id);
        BinaryPrimitives.WriteInt16LittleEndian(entry[StatusOffset..], (short)Status);
    }
}
