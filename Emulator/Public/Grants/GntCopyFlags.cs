namespace XvifSim.Public.Grants;

/// <summary>Flags of one GNTTABOP_copy element, grant_table.h's GNTCOPY_*.</summary>
[Flags]
public enum GntCopyFlags : ushort
{
    /// <summary>Both sides name frames of DOMID_SELF.</summary>
    None = 0,
    /// <summary>GNTCOPY_source_gref: source.u is a grant reference of source.domid.</summary>
    SourceGref = 1 << 0,
    /// <summary>GNTCOPY_dest_gref: dest.u is a grant reference of dest.domid.</summary>
    DestGref = 1 << 1,
}
