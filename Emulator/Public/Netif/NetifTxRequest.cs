using System.Buffers.Binary;

namespace XvifSim.Public.Netif;

/// <summary>
/// netif.h's <c>netif_tx_request</c>, 12 bytes: gref u32 @0, offset u16 @4,
/// flags u16 @6, id u16 @8, size u16 @10. The first slot of a packet carries
/// the whole packet's size; later slots their own length.
/// </summary>
public struct NetifTxRequest
{
    public const int Size = 12;
    public const int GrefOffset = 0;
    public const int OffsetOffset = 4;
    public const int FlagsOffset = 6;
    public const int IdOffset = 8;
    public const int SizeOffset = 10;

    public GrantRef Gref;
    public ushort Offset;
    public NetTxFlags Flags;
    public ushort Id;
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

    public readonly void Write(Span<byte> entry)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry[GrefOffset..], Gref.Value);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[OffsetOffset..], Offset);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[FlagsOffset..], (ushort)Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[IdOffset..], Id);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[SizeOffset..], PacketSize);
    }
}
