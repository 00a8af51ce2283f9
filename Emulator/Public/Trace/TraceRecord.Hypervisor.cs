using XvifSim.Public.Grants;

namespace XvifSim.Public.Trace;

/// <summary>Records of grant-table and event-channel operations (xen/include/public/grant_table.h, event_channel.h).</summary>
public static partial class TraceRecord
{
    /// <summary>GNTTAB_COPY: status i16 @8, flags u16 @10, len u16 @12, source domid u16 @14, source ref or gfn u32 @16, source offset u16 @20, dest domid u16 @22, dest ref or gfn u32 @24, dest offset u16 @28, reserved u16 @30.</summary>
    public const int GnttabCopySize = 32;

    /// <summary>GNTTAB_MAP: status i16 @8, flags u16 @10, granter u16 @12, reserved u16 @14, ref u32 @16, handle u32 @20.</summary>
    public const int GnttabMapSize = 24;

    /// <summary>GNTTAB_UNMAP: status i16 @8, reserved u16 @10, handle u32 @12.</summary>
    public const int GnttabUnmapSize = 16;

    /// <summary>EVTCHN: op u8 @8, reserved u8 @9, remote domid u16 @10 (0x7FF4 DOMID_INVALID when none), port u32 @12, remote port u32 @16, result i32 @20 (0 or a positive errno).</summary>
    public const int EvtchnSize = 24;

    /// <summary>Writes a GNTTAB_COPY record of one copy element <paramref name="op"/>, as <paramref name="domId"/> issued it, to <paramref name="channel"/>.</summary>
    public static void EmitGnttabCopy(ITraceChannel channel, DomId domId, in GnttabCopy op)
    {
        Span<byte> record = stackalloc byte[GnttabCopySize];
        channel.Write(record[..FormatGnttabCopy(record, domId, in op)]);
    }

    /// <summary>Formats a GNTTAB_COPY record of <paramref name="op"/> into <paramref name="record"/> (at least <see cref="GnttabCopySize"/> bytes) and gives its length.</summary>
    public static int FormatGnttabCopy(Span<byte> record, DomId domId, in GnttabCopy op)
    {
        int size = Header(record, TraceRecordType.GnttabCopy, domId, GnttabCopySize);
        I16(record, 8, (short)op.Status);
        U16(record, 10, (ushort)op.Flags);
        U16(record, 12, op.Len);
        Side(record, 14, op.Source, (op.Flags & GntCopyFlags.SourceGref) != 0);
        Side(record, 22, op.Dest, (op.Flags & GntCopyFlags.DestGref) != 0);
        return size;
    }

    /// <summary>Writes a GNTTAB_MAP record of <paramref name="op"/>, as <paramref name="domId"/> issued it, to <paramref name="channel"/>.</summary>
    public static void EmitGnttabMap(ITraceChannel channel, DomId domId, in GnttabMapGrantRef op)
    {
        Span<byte> record = stackalloc byte[GnttabMapSize];
        channel.Write(record[..FormatGnttabMap(record, domId, in op)]);
    }

    /// <summary>Formats a GNTTAB_MAP record of <paramref name="op"/> into <paramref name="record"/> (at least <see cref="GnttabMapSize"/> bytes) and gives its length.</summary>
    public static int FormatGnttabMap(Span<byte> record, DomId domId, in GnttabMapGrantRef op)
    {
        int size = Header(record, TraceRecordType.GnttabMap, domId, GnttabMapSize);
        I16(record, 8, (short)op.Status);
        U16(record, 10, (ushort)op.Flags);
        U16(record, 12, op.Dom.Value);
        U32(record, 16, op.Ref.Value);
        U32(record, 20, op.Handle.Value);
        return size;
    }

    /// <summary>Writes a GNTTAB_UNMAP record of <paramref name="domId"/>'s unmap of <paramref name="handle"/> and its <paramref name="status"/> to <paramref name="channel"/>.</summary>
    public static void EmitGnttabUnmap(ITraceChannel channel, DomId domId, GrantHandle handle, GntSt status)
    {
        Span<byte> record = stackalloc byte[GnttabUnmapSize];
        channel.Write(record[..FormatGnttabUnmap(record, domId, handle, status)]);
    }

    /// <summary>Formats a GNTTAB_UNMAP record into <paramref name="record"/> (at least <see cref="GnttabUnmapSize"/> bytes) and gives its length.</summary>
    public static int FormatGnttabUnmap(Span<byte> record, DomId domId, GrantHandle handle, GntSt status)
    {
        int size = Header(record, TraceRecordType.GnttabUnmap, domId, GnttabUnmapSize);
        I16(record, 8, (short)status);
        U32(record, 12, handle.Value);
        return size;
    }

    /// <summary>Writes an EVTCHN record of <paramref name="op"/> on <paramref name="domId"/>'s <paramref name="port"/> (and the peer's <paramref name="remoteDom"/>, <paramref name="remotePort"/>) with its <paramref name="result"/> to <paramref name="channel"/>.</summary>
    public static void EmitEvtchn(ITraceChannel channel, DomId domId, TraceEvtchnOp op, EvtchnPort port, DomId remoteDom, EvtchnPort remotePort, Errno result)
    {
        Span<byte> record = stackalloc byte[EvtchnSize];
        channel.Write(record[..FormatEvtchn(record, domId, op, port, remoteDom, remotePort, result)]);
    }

    /// <summary>Formats an EVTCHN record into <paramref name="record"/> (at least <see cref="EvtchnSize"/> bytes) and gives its length.</summary>
    public static int FormatEvtchn(Span<byte> record, DomId domId, TraceEvtchnOp op, EvtchnPort port, DomId remoteDom, EvtchnPort remotePort, Errno result)
    {
        int size = Header(record, TraceRecordType.Evtchn, domId, EvtchnSize);
        record[8] = (byte)op;
        U16(record, 10, remoteDom.Value);
        U32(record, 12, port.Value);
        U32(record, 16, remotePort.Value);
        I32(record, 20, (int)result);
        return size;
    }

    /// <summary>One gnttab_copy_ptr: domid u16, then the ref (a grant side) or the low 32 bits of the gfn (a frame side), then offset u16.</summary>
    private static void Side(Span<byte> record, int offset, in GnttabCopyPtr side, bool isGref)
    {
        U16(record, offset, side.Domid.Value);
        U32(record, offset + 2, isGref ? side.Ref.Value : (uint)side.Gmfn.Value);
        U16(record, offset + 6, side.Offset);
    }
}
