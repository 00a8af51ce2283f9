using System.Buffers.Binary;

namespace XvifSim.Public.Netif;

/// <summary>netif.h's <c>netif_tx_response</c>, 4 bytes: id u16 @0, status s16 @2.</summary>
public struct NetifTxResponse
{
    public const int Size = 4;
    public const int IdOffset = 0;
    public const int StatusOffset = 2;

    public ushort Id;
    public NetifRsp Status;

    public static NetifTxResponse Read(ReadOnlySpan<byte> entry) => new()
    {
        Id = BinaryPrimitives.ReadUInt16LittleEndian(entry[IdOffset..]),
        Status = (NetifRsp)BinaryPrimitives.ReadInt16LittleEndian(entry[StatusOffset..]),
    };

    public readonly void Write(Span<byte> entry)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(entry[IdOffset..], Id);
        BinaryPrimitives.WriteInt16LittleEndian(entry[StatusOffset..], (short)Status);
    }
}
