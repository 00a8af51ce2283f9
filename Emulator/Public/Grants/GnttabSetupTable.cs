using System.Runtime.InteropServices;

namespace XvifSim.Public.Grants;

/// <summary>
/// GNTTABOP_setup_table's argument, grant_table.h's <c>struct
/// gnttab_setup_table</c> (24 bytes on x86_64): make Dom's table at least
/// NrFrames frames and return where they are. Out: Status and FrameList, the
/// frames in the caller's physical address space where the shared grant
/// frames appear (as XENMAPSPACE_grant_table places them for an HVM guest).
/// FrameList stands where the header's guest handle
/// <c>XEN_GUEST_HANDLE(xen_pfn_t) frame_list</c> (a pointer) is, at 16.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct GnttabSetupTable
{
    /// <summary>sizeof(struct gnttab_setup_table) on x86_64.</summary>
    public const int Size = 24;

    /// <summary>gnttab_setup_table.dom: the domain whose table is set up.</summary>
    [FieldOffset(0)]
    public DomId Dom;

    /// <summary>gnttab_setup_table.nr_frames: how many frames the table must have.</summary>
    [FieldOffset(4)]
    public uint NrFrames;

    /// <summary>gnttab_setup_table.status (out): GNTST_okay or why the setup failed.</summary>
    [FieldOffset(8)]
    public GntSt Status;

    /// <summary>gnttab_setup_table.frame_list (out): the caller's frames where the shared grant frames appear, one per frame.</summary>
    [FieldOffset(16)]
    public Gfn[]? FrameList;
}
