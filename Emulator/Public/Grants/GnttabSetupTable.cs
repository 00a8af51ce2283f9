namespace XvifSim.Public.Grants;

/// <summary>
/// GNTTABOP_setup_table's argument: make Dom's table at least NrFrames frames
/// and return where they are. Out: Status and FrameList, the frames in the
/// caller's physical address space where the shared grant frames appear
/// (as XENMAPSPACE_grant_table places them for an HVM guest).
/// </summary>
public struct GnttabSetupTable
{
    public DomId Dom;
    public uint NrFrames;
    public GntSt Status;
    public Gfn[]? FrameList;
}
