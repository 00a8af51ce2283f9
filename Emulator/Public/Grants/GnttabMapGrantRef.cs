namespace XvifSim.Public.Grants;

/// <summary>
/// GNTTABOP_map_grant_ref's argument (grant_table.h <c>gnttab_map_grant_ref</c>).
/// In: HostAddr, Flags, Ref, Dom. Out: Status, Handle, DevBusAddr.
/// HostAddr is a guest-physical address in the caller's unpopulated map
/// space (as for an HVM or PVH guest): the granted frame appears there.
/// </summary>
public struct GnttabMapGrantRef
{
    public ulong HostAddr;
    public GntMapFlags Flags;
    public GrantRef Ref;
    public DomId Dom;
    public GntSt Status;
    public GrantHandle Handle;
    public ulong DevBusAddr;
}
