namespace XvifSim.Public.Grants;

/// <summary>
/// GNTTABOP_map_grant_ref's argument (grant_table.h <c>gnttab_map_grant_ref</c>).
/// In: HostAddr, Flags, Ref, Dom. Out: Status, Handle, DevBusAddr.
/// HostAddr is a guest-physical address in the caller's unpopulated map
/// space (as for an HVM or PVH guest): the granted frame appears there.
/// </summary>
public struct GnttabMapGrantRef
{
    /// <summary>gnttab_map_grant_ref.host_addr in xen/include/public/grant_table.h.</summary>
    public ulong HostAddr;
    /// <summary>gnttab_map_grant_ref.flags in xen/include/public/grant_table.h.</summary>
    public GntMapFlags Flags;
    /// <summary>gnttab_map_grant_ref.ref in xen/include/public/grant_table.h.</summary>
    public GrantRef Ref;
    /// <summary>gnttab_map_grant_ref.dom in xen/include/public/grant_table.h.</summary>
    public DomId Dom;
    /// <summary>gnttab_map_grant_ref.status in xen/include/public/grant_table.h.</summary>
    public GntSt Status;
    /// <summary>gnttab_map_grant_ref.handle in xen/include/public/grant_table.h.</summary>
    public GrantHandle Handle;
    /// <summary>gnttab_map_grant_ref.dev_bus_addr in xen/include/public/grant_table.h.</summary>
    public ulong DevBusAddr;
}
