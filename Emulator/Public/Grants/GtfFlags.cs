namespace XvifSim.Public.Grants;

/// <summary>
/// The flags half-word of a grant entry, grant_table.h's GTF_*. The low two
/// bits are the entry type; the rest are modifiers. GTF_reading and
/// GTF_writing are set by the hypervisor while the entry is mapped or being
/// copied, and tell the granter it must not end access yet.
/// </summary>
[Flags]
public enum GtfFlags : ushort
{
    /// <summary>GTF_invalid: the entry grants nothing.</summary>
    Invalid = 0,
    /// <summary>GTF_permit_access: the named domain may map or copy the frame.</summary>
    PermitAccess = 1,
    /// <summary>GTF_accept_transfer: the named domain may transfer a page to us.</summary>
    AcceptTransfer = 2,
    /// <summary>GTF_transitive (v2 only).</summary>
    Transitive = 3,
    /// <summary>GTF_type_mask: the bits that hold the type.</summary>
    TypeMask = 3,
    /// <summary>GTF_readonly: the grantee may only read.</summary>
    Readonly = 1 << 2,
    /// <summary>GTF_reading: set by Xen while the grantee reads (map or copy).</summary>
    Reading = 1 << 3,
    /// <summary>GTF_writing: set by Xen while the grantee may write.</summary>
    Writing = 1 << 4,
    /// <summary>GTF_PWT cache attribute.</summary>
    Pwt = 1 << 5,
    /// <summary>GTF_PCD cache attribute.</summary>
    Pcd = 1 << 6,
    /// <summary>GTF_PAT cache attribute.</summary>
    Pat = 1 << 7,
    /// <summary>GTF_sub_page (v2 only).</summary>
    SubPage = 1 << 8,
}
