using System.Buffers.Binary;

namespace XvifSim.Public.XenStore;

/// <summary>
/// xs_wire.h's <c>struct xsd_sockmsg</c>, the 16-byte header in front of every
/// XenStore message in either direction: type u32 @0, req_id u32 @4,
/// tx_id u32 @8, len u32 @12, little-endian, no padding. <c>len</c> payload
/// bytes follow, at most <see cref="XsLimits.PayloadMax"/>.
/// </summary>
public readonly record struct XsdSockmsg(XsdSockmsgType Type, uint ReqId, uint TxId, uint Len)
{
    /// <summary>Size in bytes, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int Size = 16;
    /// <summary>Byte offset of type, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int TypeOffset = 0;
    /// <summary>Byte offset of req_id, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int ReqIdOffset = 4;
    /// <summary>Byte offset of tx_id, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int TxIdOffset = 8;
    /// <summary>Byte offset of len, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int LenOffset = 12;

    /// <summary>Reads a header from the first <see cref="Size"/> bytes of <paramref name="source"/>.</summary>
    public static XsdSockmsg Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new ArgumentException($"an xsd_sockmsg needs {Size} bytes", nameof(source));
        }

        return new XsdSockmsg(
            (XsdSockmsgType)BinaryPrimitives.ReadUInt32LittleEndian(source[TypeOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[ReqIdOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[TxIdOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[LenOffset..]));
    }

    /// <summary>Writes this header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"an xsd_sockmsg needs {Size} bytes", nameof(destination));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination[TypeOffset..], (uint)Type);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[ReqIdOffset..], ReqId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[TxIdOffset..], TxId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[LenOffset..], Len);
    }
}
