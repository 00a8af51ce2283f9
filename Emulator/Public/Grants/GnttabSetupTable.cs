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

    [FieldOffset(0)]
    public DomId Dom;

    [FieldOffset(4)]
    public uint NrFrames;

    [FieldOffset(8)]
    public GntSt Status;

    [FieldOffset(16)]
    public Gfn[]? FrameList;
}
