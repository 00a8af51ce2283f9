namespace XvifSim.Public.Grants;

/// <summary>
/// GNTTABOP_unmap_grant_ref's argument (grant_table.h <c>gnttab_unmap_grant_ref</c>).
/// In: HostAddr, DevBusAddr, Handle. Out: Status.
/// </summary>
public struct GnttabUnmapGrantRef
{
    public ulong HostAddr;
    public ulong DevBusAddr;
    public GrantHandle Handle;
    public GntSt Status;
}
