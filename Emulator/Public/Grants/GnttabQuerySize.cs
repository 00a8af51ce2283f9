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

    /// <summary>gnttab_query_size.dom: the domain whose table is queried.</summary>
    [FieldOffset(0)]
    public DomId Dom;

    /// <summary>gnttab_query_size.nr_frames (out): frames the table has now.</summary>
    [FieldOffset(4)]
    public uint NrFrames;

    /// <summary>gnttab_query_size.max_nr_frames (out): frames the table may grow to.</summary>
    [FieldOffset(8)]
    public uint MaxNrFrames;

    /// <summary>gnttab_query_size.status (out): GNTST_okay or why the query failed.</summary>
    [FieldOffset(12)]
    public GntSt Status;
}
