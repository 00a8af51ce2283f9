using System.Buffers.Binary;

namespace XvifSim.Public.Netif;

/// <summary>
/// netif.h's <c>netif_rx_response</c>, 8 bytes: id u16 @0, offset u16 @2,
/// flags u16 @4, status s16 @6. A status of 0 or more is the number of bytes
/// placed at offset in the page; a negative one is a NETIF_RSP_* error.
/// </summary>
public struct NetifRxResponse
{
    public const int Size = 8;
    public const int IdOffset = 0;
    public const int OffsetOffset = 2;
    public const int FlagsOffset = 4;
    public const int StatusOffset = 6;

    public ushort Id;
    public ushort Offset;
    public NetRxFlags Flags;
    public short Status;

    public static NetifRxResponse Read(ReadOnlySpan<byte> entry) => new()
    {
        Id = BinaryPrimitives.ReadUInt16LittleEndian(entry[IdOffset..]),
        Offset = BinaryPrimitives.ReadUInt16LittleEndian(entry[OffsetOffset..]),
        Flags = (NetRxFlags)BinaryPrimitives.ReadUInt16LittleEndian(entry[FlagsOffset..]),
        Status = BinaryPrimitives.ReadInt16LittleEndian(entry[StatusOffset..]),
    };

    public readonly void Write(Span<byte> entry)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(entry[IdOffset..], Id);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[OffsetOffset..], Offset);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[FlagsOffset..], (ushort)Flags);
        BinaryPrimitives.WriteInt16LittleEndian(entry[StatusOffset..], Status);
    }
}
