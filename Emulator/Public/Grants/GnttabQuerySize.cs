namespace XvifSim.Public.Grants;

/// <summary>GNTTABOP_query_size's argument. In: Dom. Out: NrFrames, MaxNrFrames, Status.</summary>
public struct GnttabQuerySize
{
    /// <summary>gnttab_query_size.dom in xen/include/public/grant_table.h.</summary>
    public DomId Dom;
    /// <summary>gnttab_query_size.nr_frames in xen/include/public/grant_table.h.</summary>
    public uint NrFrames;
    /// <summary>gnttab_query_size.max_nr_frames in xen/include/public/grant_table.h.</summary>
    public uint MaxNrFrames;
    /// <summary>gnttab_query_size.status in xen/include/public/grant_table.h.</summary>
    public GntSt Status;
}
