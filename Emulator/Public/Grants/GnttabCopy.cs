namespace XvifSim.Public.Grants;

/// <summary>
/// One element of a GNTTABOP_copy batch (grant_table.h <c>gnttab_copy</c>):
/// copy Len bytes from Source to Dest. Each element gets its own Status.
/// </summary>
public struct GnttabCopy
{
    /// <summary>gnttab_copy.source in xen/include/public/grant_table.h.</summary>
    public GnttabCopyPtr Source;
    /// <summary>gnttab_copy.dest in xen/include/public/grant_table.h.</summary>
    public GnttabCopyPtr Dest;
    /// <summary>gnttab_copy.len in xen/include/public/grant_table.h.</summary>
    public ushort Len;
    /// <summary>gnttab_copy.flags in xen/include/public/grant_table.h.</summary>
    public GntCopyFlags Flags;
    /// <summary>gnttab_copy.status in xen/include/public/grant_table.h.</summary>
    public GntSt Status;
}
