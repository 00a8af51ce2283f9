namespace XvifSim.Public;

/// <summary>A grant reference, grant_table.h's <c>grant_ref_t</c> (u32): an index into the granter's table.</summary>
public readonly record struct GrantRef(uint Value)
{
    /// <summary>GNTTAB_RESERVED_XENSTORE (grant_table.h): the toolstack's grant of the XenStore ring page.</summary>
    public static readonly GrantRef ReservedXenstore = new(1);

    /// <summary>gref N.</summary>
    public override string ToString() => $"gref {Value}";
}
