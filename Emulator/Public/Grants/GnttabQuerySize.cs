namespace XvifSim.Public.Grants;

/// <summary>GNTTABOP_query_size's argument. In: Dom. Out: NrFrames, MaxNrFrames, Status.</summary>
public struct GnttabQuerySize
{
    public DomId Dom;
    public uint NrFrames;
    public uint MaxNrFrames;
    public GntSt Status;
}
