namespace XvifSim.Public.Grants;

/// <summary>
/// GNTTABOP_unmap_grant_ref's argument (grant_table.h <c>gnttab_unmap_grant_ref</c>).
/// In: HostAddr, DevBusAddr, Handle. Out: Status.
/// </summary>
public struct GnttabUnmapGrantRef
{
    /// <summary>gnttab_unmap_grant_ref.host_addr in xen/include/public/grant_table.h.</summary>
    public ulong HostAddr;
    /// <summary>gnttab_unmap_grant_ref.dev_bus_addr in xen/include/public/grant_table.h.</summary>
    public ulong DevBusAddr;
    /// <summary>gnttab_unmap_grant_ref.handle in xen/include/public/grant_table.h.</summary>
    public GrantHandle Handle;
    /// <summary>gnttab_unmap_grant_ref.status in xen/include/public/grant_table.h.</summary>
    public GntSt Status;
}
