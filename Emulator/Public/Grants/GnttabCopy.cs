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

    [FieldOffset(0)]
    public GnttabCopyPtr Source;

    [FieldOffset(16)]
    public GnttabCopyPtr Dest;

    [FieldOffset(32)]
    public ushort Len;

    [FieldOffset(34)]
    public GntCopyFlags Flags;

    [FieldOffset(36)]
    public GntSt Status;
}
