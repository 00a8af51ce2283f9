namespace XvifSim.Public.Grants;

/// <summary>
/// One side of a GNTTABOP_copy element: a grant reference of Domid, or (with
/// the matching GNTCOPY_*_gref flag clear) a frame of the caller, who must
/// then name itself as DOMID_SELF; plus an offset within the page.
/// </summary>
public struct GnttabCopyPtr
{
    /// <summary>The <c>u</c> union: the grant reference when the side's gref flag is set.</summary>
    public GrantRef Ref;
    /// <summary>The <c>u</c> union: the caller's frame when the side's gref flag is clear.</summary>
    public Gfn Gmfn;
    /// <summary>gnttab_copy_ptr.domid in xen/include/public/grant_table.h.</summary>
    public DomId Domid;
    /// <summary>offset: where the copy starts within the page.</summary>
    public ushort Offset;

    /// <summary>A side of a copy named by grant <paramref name="gref"/> of <paramref name="domid"/> at <paramref name="offset"/>.</summary>
    public static GnttabCopyPtr Grant(DomId domid, GrantRef gref, ushort offset) =>
        new() { Domid = domid, Ref = gref, Offset = offset };

    /// <summary>A side of a copy named by the caller's own frame <paramref name="gmfn"/> at <paramref name="offset"/> (GNTCOPY_*_gref clear).</summary>
    public static GnttabCopyPtr Frame(Gfn gmfn, ushort offset) =>
        new() { Domid = DomId.Self, Gmfn = gmfn, Offset = offset };
}
