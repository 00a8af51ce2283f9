using System.Runtime.InteropServices;

namespace XvifSim.Public.Grants;

/// <summary>
/// One element of a GNTTABOP_copy batch, grant_table.h's <c>struct
/// gnttab_copy</c> (40 bytes on x86_64): copy Len bytes from Source to Dest.
/// Each element gets its own Status. Laid out as the header's: source at 0,
/// dest at 16, len at 32, flags at 34, status at 36.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct GnttabCopy
{
    /// <summary>sizeof(struct gnttab_copy) on x86_64.</summary>
    public const int Size = 40;

    /// <summary>gnttab_copy.source: where the bytes are read from.</summary>
    [FieldOffset(0)]
    public GnttabCopyPtr Source;

    /// <summary>gnttab_copy.dest: where the bytes are written to.</summary>
    [FieldOffset(16)]
    public GnttabCopyPtr Dest;

    /// <summary>gnttab_copy.len: bytes to copy; source and dest must each stay within their page.</summary>
    [FieldOffset(32)]
    public ushort Len;

    /// <summary>gnttab_copy.flags: GNTCOPY_source_gref and GNTCOPY_dest_gref say which sides are grant references.</summary>
    [FieldOffset(34)]
    public GntCopyFlags Flags;

    /// <summary>gnttab_copy.status (out): GNTST_okay or why this element failed.</summary>
    [FieldOffset(36)]
    public GntSt Status;
}
