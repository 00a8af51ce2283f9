using System.Runtime.InteropServices;

namespace XvifSim.Public.Grants;

/// <summary>
/// GNTTABOP_query_size's argument, grant_table.h's <c>struct
/// gnttab_query_size</c> (16 bytes). In: Dom. Out: NrFrames, MaxNrFrames, Status.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct GnttabQuerySize
{
    /// <summary>sizeof(struct gnttab_query_size).</summary>
    public const int Size = 16;

    [FieldOffset(0)]
    public DomId Dom;

    [FieldOffset(4)]
    public uint NrFrames;

    [FieldOffset(8)]
    public uint MaxNrFrames;

    [FieldOffset(12)]
    public GntSt Status;
}
