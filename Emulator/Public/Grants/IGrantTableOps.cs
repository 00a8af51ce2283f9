namespace XvifSim.Public.Grants;

/// <summary>
/// HYPERVISOR_grant_table_op for one domain. Batched ops take a span of
/// elements and fill each element's Status; a guest's mistake is a status,
/// never an exception.
/// </summary>
public interface IGrantTableOps
{
    /// <summary>GNTTABOP_map_grant_ref.</summary>
    void MapGrantRef(Span<GnttabMapGrantRef> ops);

    /// <summary>GNTTABOP_unmap_grant_ref.</summary>
    void UnmapGrantRef(Span<GnttabUnmapGrantRef> ops);

    /// <summary>GNTTABOP_copy.</summary>
    void Copy(Span<GnttabCopy> ops);

    /// <summary>GNTTABOP_setup_table.</summary>
    void SetupTable(ref GnttabSetupTable op);

    /// <summary>GNTTABOP_query_size.</summary>
    void QuerySize(ref GnttabQuerySize op);
}
