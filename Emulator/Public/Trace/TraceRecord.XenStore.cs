using System.Text;
using XvifSim.Public.XenStore;
using XvifSim.Public.Xenbus;

namespace XvifSim.Public.Trace;

/// <summary>Records of XenStore messages and xenbus state changes.</summary>
public static partial class TraceRecord
{
    /// <summary>
    /// XS_MESSAGE: direction u8 @8, transport u8 @9, reserved u16 @10,
    /// connection u32 @12, then xs_wire.h's xsd_sockmsg as sent (type @16,
    /// req_id @20, tx_id @24, len @28) and the first
    /// <see cref="XsPayloadCap"/> payload bytes @32. len is the whole
    /// payload's, so a reader sees when the copy was cut.
    /// </summary>
    public const int XsPayloadOffset = 32;

    /// <summary>Payload bytes kept per message: paths and values beyond it are cut (len says by how much).</summary>
    public const int XsPayloadCap = 512;

    /// <summary>XENBUS_STATE: end u8 @8, reserved u8 @9, other end u16 @10, old u32 @12, new u32 @16, result i32 @20, path length u16 @24, path @26.</summary>
    public const int XenbusPathOffset = 26;

    /// <summary>Path bytes kept in a xenbus record.</summary>
    public const int XenbusPathCap = 256;

    /// <summary>Formats an XS_MESSAGE record into <paramref name="record"/> (at least <see cref="MaxSize"/> bytes), keeping at most <see cref="XsPayloadCap"/> bytes of <paramref name="payload"/>, and gives its length.</summary>
    public static int FormatXsMessage(Span<byte> record, DomId domId, TraceXsDirection direction, TraceXsTransport transport, uint connection, XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload)
    {
        int kept = Math.Min(payload.Length, XsPayloadCap);
        int size = Header(record, TraceRecordType.XsMessage, domId, XsPayloadOffset + kept);
        record[8] = (byte)direction;
        record[9] = (byte)transport;
        U32(record, 12, connection);
        new XsdSockmsg(type, reqId, txId, (uint)payload.Length).Write(record[16..]);
        payload[..kept].CopyTo(record[XsPayloadOffset..]);
        return size;
    }

    /// <summary>Writes an XS_MESSAGE record of one xsd_sockmsg and its payload on <paramref name="connection"/> to <paramref name="channel"/>.</summary>
    public static void EmitXsMessage(ITraceChannel channel, DomId domId, TraceXsDirection direction, TraceXsTransport transport, uint connection, XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload)
    {
        Span<byte> record = stackalloc byte[MaxSize];
        channel.Write(record[..FormatXsMessage(record, domId, direction, transport, connection, type, reqId, txId, payload)]);
    }

    /// <summary>Formats a XENBUS_STATE record of <paramref name="path"/> moving from <paramref name="oldState"/> to <paramref name="newState"/> into <paramref name="record"/> (at least <see cref="XenbusPathOffset"/> plus <see cref="XenbusPathCap"/> bytes), keeping at most <see cref="XenbusPathCap"/> bytes of the path, and gives its length.</summary>
    public static int FormatXenbusState(Span<byte> record, DomId domId, TraceRingEnd end, DomId otherEnd, XenbusState oldState, XenbusState newState, Errno result, string path)
    {
        // Paths are ASCII (xenstore.txt); at most the cap's worth of characters is encoded.
        Span<byte> encoded = stackalloc byte[XenbusPathCap * 3];
        int pathBytes = Math.Min(Encoding.UTF8.GetBytes(path.AsSpan(0, Math.Min(path.Length, XenbusPathCap)), encoded), XenbusPathCap);
        int size = Header(record, TraceRecordType.XenbusState, domId, XenbusPathOffset + pathBytes);
        record[8] = (byte)end;
        U16(record, 10, otherEnd.Value);
        U32(record, 12, (uint)oldState);
        U32(record, 16, (uint)newState);
        I32(record, 20, (int)result);
        U16(record, 24, (ushort)pathBytes);
        encoded[..pathBytes].CopyTo(record[XenbusPathOffset..]);
        return size;
    }

    /// <summary>Writes a XENBUS_STATE record of <paramref name="path"/> moving from <paramref name="oldState"/> to <paramref name="newState"/>, with its <paramref name="result"/>, to <paramref name="channel"/>.</summary>
    public static void EmitXenbusState(ITraceChannel channel, DomId domId, TraceRingEnd end, DomId otherEnd, XenbusState oldState, XenbusState newState, Errno result, string path)
    {
        Span<byte> record = stackalloc byte[XenbusPathOffset + XenbusPathCap];
        channel.Write(record[..FormatXenbusState(record, domId, end, otherEnd, oldState, newState, result, path)]);
    }
}
