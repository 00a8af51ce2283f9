using System.Buffers.Binary;

namespace XvifSim.Public.Netif;

/// <summary>netif.h's <c>netif_rx_request</c>, 8 bytes: id u16 @0, pad u16 @2, gref u32 @4.</summary>
public struct NetifRxRequest
{
    public const int Size = 8;
    public const int IdOffset = 0;
    public const int GrefOffset = 4;

    public ushort Id;
    public GrantRef Gref;

    public static NetifRxRequest Read(ReadOnlySpan<byte> entry) => new()
    {
        Id = BinaryPrimitives.ReadUInt16LittleEndian(entry[IdOffset..]),
        Gref = new GrantRef(BinaryPrimitives.ReadUInt32LittleEndian(entry[GrefOffset..])),
    };

    public readonly void Write(Span<byte> entry)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(entry[IdOffset..], Id);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[(IdOffset + 2)..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[GrefOffset..], Gref.Value);
    }
}
