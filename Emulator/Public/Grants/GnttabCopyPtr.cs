using System.Runtime.InteropServices;

namespace XvifSim.Public.Grants;

/// <summary>
/// One side of a GNTTABOP_copy element, grant_table.h's <c>struct
/// gnttab_copy_ptr</c> (16 bytes on x86_64): the union <c>u</c> at 0, a grant
/// reference of Domid or (with the matching GNTCOPY_*_gref flag clear) a frame
/// of the caller, who must then name itself as DOMID_SELF; <c>domid</c> at 8;
/// <c>offset</c> within the page at 10. Ref and Gmfn share their bytes, as the
/// union's members do: setting one overwrites the other.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct GnttabCopyPtr
{
    /// <summary>sizeof(struct gnttab_copy_ptr): the 8-byte xen_pfn_t union, domid_t, u16, padded to 8.</summary>
    public const int Size = 16;

    /// <summary>u.ref (grant_ref_t): the grant reference when the side's gref flag is set.</summary>
    [FieldOffset(0)]
    public GrantRef Ref;

    /// <summary>u.gmfn (xen_pfn_t): the caller's frame when the side's gref flag is clear.</summary>
    [FieldOffset(0)]
    public Gfn Gmfn;

    /// <summary>gnttab_copy_ptr.domid: the granting domain for a grant side, DOMID_SELF for a frame side.</summary>
    [FieldOffset(8)]
    public DomId Domid;

    /// <summary>gnttab_copy_ptr.offset: the byte offset within the page.</summary>
    [FieldOffset(10)]
    public ushort Offset;

    /// <summary>A grant side: grant reference <paramref name="gref"/> of <paramref name="domid"/>, at <paramref name="offset"/>; the element's matching GNTCOPY_*_gref flag must be set.</summary>
    public static GnttabCopyPtr Grant(DomId domid, GrantRef gref, ushort offset) =>
        new() { Domid = domid, Ref = gref, Offset = offset };

    /// <summary>A frame side: the caller's own frame <paramref name="gmfn"/> (domid DOMID_SELF), at <paramref name="offset"/>; the element's matching GNTCOPY_*_gref flag must be clear.</summary>
    public static GnttabCopyPtr Frame(Gfn gmfn, ushort offset) =>
        new() { Domid = DomId.Self, Gmfn = gmfn, Offset = offset };
}
