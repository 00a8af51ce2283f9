namespace XvifSim.Public.Grants;

/// <summary>
/// GNTTABOP_setup_table's argument: make Dom's table at least NrFrames frames
/// and return where they are. Out: Status and FrameList, the frames in the
/// caller's physical address space where the shared grant frames appear
/// (as XENMAPSPACE_grant_table places them for an HVM guest).
/// </summary>
public struct GnttabSetupTable
{
    /// <summary>gnttab_setup_table.dom in xen/include/public/grant_table.h.</summary>
    public DomId Dom;
    /// <summary>gnttab_setup_table.nr_frames in xen/include/public/grant_table.h.</summary>
    public uint NrFrames;
    /// <summary>gnttab_setup_table.status in xen/include/public/grant_table.h.</summary>
    public GntSt Status;
    /// <summary>gnttab_setup_table.frame_list in xen/include/public/grant_table.h.</summary>
    public Gfn[]? FrameList;
}
