using System.Buffers.Binary;

namespace XvifSim.Public.Trace;

/// <summary>
/// The byte layout of trace records, version 1, little-endian throughout
/// (docs/trace-format.md is the byte-by-byte description and
/// tools/wireshark/xvifsim.lua the dissector that reads it). Every record
/// starts with an 8-byte header: version u8 @0, type u8 @1, domid u16 @2
/// (the domain whose view the record is), body length u16 @4, reserved u16
/// @6. Each Format method writes a whole record into a caller's buffer and
/// returns its length; each Emit method formats into a stack buffer and
/// hands it to a channel, so a record allocates nothing.
/// </summary>
public static partial class TraceRecord
{
    /// <summary>The format version, the byte at <see cref="VersionOffset"/>.</summary>
    public const byte Version = 1;
    /// <summary>Bytes of the header every record starts with; the body follows it.</summary>
    public const int HeaderSize = 8;
    /// <summary>Offset of the version byte.</summary>
    public const int VersionOffset = 0;
    /// <summary>Offset of the <see cref="TraceRecordType"/> byte.</summary>
    public const int TypeOffset = 1;
    /// <summary>Offset of the u16 domid of the domain whose view the record is.</summary>
    public const int DomIdOffset = 2;
    /// <summary>Offset of the u16 body length (the record's length less <see cref="HeaderSize"/>).</summary>
    public const int BodyLengthOffset = 4;

    /// <summary>The largest record: an XenStore message header plus the bounded payload.</summary>
    public const int MaxSize = XsPayloadOffset + XsPayloadCap;

    private static int Header(Span<byte> record, TraceRecordType type, DomId domId, int size)
    {
        record[..size].Clear();
        record[VersionOffset] = Version;
        record[TypeOffset] = (byte)type;
        BinaryPrimitives.WriteUInt16LittleEndian(record[DomIdOffset..], domId.Value);
        BinaryPrimitives.WriteUInt16LittleEndian(record[BodyLengthOffset..], (ushort)(size - HeaderSize));
        return size;
    }

    private static void U16(Span<byte> record, int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(record[offset..], value);

    private static void I16(Span<byte> record, int offset, short value) => BinaryPrimitives.WriteInt16LittleEndian(record[offset..], value);

    private static void U32(Span<byte> record, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(record[offset..], value);

    private static void I32(Span<byte> record, int offset, int value) => BinaryPrimitives.WriteInt32LittleEndian(record[offset..], value);
}
