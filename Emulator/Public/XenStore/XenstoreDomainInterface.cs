using System.Buffers.Binary;

namespace XvifSim.Public.XenStore;

/// <summary>
/// xs_wire.h's <c>struct xenstore_domain_interface</c>, the XenStore ring page
/// shared by a guest and the server (docs/misc/xenstore-ring.txt). Offsets:
/// req[1024] @0 (guest to server), rsp[1024] @1024 (replies and watch events),
/// then u32 fields: req_cons @2048, req_prod @2052, rsp_cons @2056,
/// rsp_prod @2060, server_features @2064, connection @2068, error @2072,
/// evtchn_port @2076 (newer than 4.17). Indices are free-running; a byte at
/// stream offset x sits at x &amp; (RingSize - 1).
/// </summary>
public static class XenstoreDomainInterface
{
    /// <summary>XENSTORE_RING_SIZE: bytes in each of the two queues.</summary>
    public const int RingSize = 1024;

    /// <summary>Byte offset of req, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int ReqOffset = 0;
    /// <summary>Byte offset of rsp, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int RspOffset = 1024;
    /// <summary>Byte offset of req_cons, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int ReqConsOffset = 2048;
    /// <summary>Byte offset of req_prod, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int ReqProdOffset = 2052;
    /// <summary>Byte offset of rsp_cons, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int RspConsOffset = 2056;
    /// <summary>Byte offset of rsp_prod, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int RspProdOffset = 2060;
    /// <summary>Byte offset of server_features, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int ServerFeaturesOffset = 2064;
    /// <summary>Byte offset of connection, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int ConnectionOffset = 2068;
    /// <summary>Byte offset of error, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int ErrorOffset = 2072;
    /// <summary>Byte offset of evtchn_port, as xen/include/public/io/xs_wire.h lays it out.</summary>
    public const int EvtchnPortOffset = 2076;

    /// <summary>Bytes the structure occupies at the start of its 4 KiB page.</summary>
    public const int Size = 2080;

    /// <summary>MASK_XENSTORE_IDX: the position of free-running index <paramref name="idx"/> in a queue.</summary>
    public static int MaskIndex(uint idx) => (int)(idx & (RingSize - 1));

    /// <summary>Reads the u32 field at <paramref name="offset"/> (one of the *Offset constants).</summary>
    public static uint ReadField(ReadOnlySpan<byte> page, int offset) =>
        BinaryPrimitives.ReadUInt32LittleEndian(page[offset..]);

    /// <summary>Writes the u32 field at <paramref name="offset"/> (one of the *Offset constants).</summary>
    public static void WriteField(Span<byte> page, int offset, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(page[offset..], value);
}
