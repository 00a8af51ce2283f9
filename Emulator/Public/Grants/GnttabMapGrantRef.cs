using System.Runtime.InteropServices;

namespace XvifSim.Public.Grants;

/// <summary>
/// GNTTABOP_map_grant_ref's argument, grant_table.h's <c>struct
/// gnttab_map_grant_ref</c> (32 bytes on x86_64).
/// In: HostAddr, Flags, Ref, Dom. Out: Status, Handle, DevBusAddr.
/// HostAddr is a guest-physical address in the caller's unpopulated map
/// space (as for an HVM or PVH guest): the granted frame appears there.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct GnttabMapGrantRef
{
    /// <summary>sizeof(struct gnttab_map_grant_ref) on x86_64.</summary>
    public const int Size = 32;

    /// <summary>gnttab_map_grant_ref.host_addr: the guest-physical address where the granted frame is to appear.</summary>
    [FieldOffset(0)]
    public ulong HostAddr;

    /// <summary>gnttab_map_grant_ref.flags: GNTMAP_*, e.g. GNTMAP_host_map and GNTMAP_readonly.</summary>
    [FieldOffset(8)]
    public GntMapFlags Flags;

    /// <summary>gnttab_map_grant_ref.ref: the grant reference to map.</summary>
    [FieldOffset(12)]
    public GrantRef Ref;

    /// <summary>gnttab_map_grant_ref.dom: the granting domain.</summary>
    [FieldOffset(16)]
    public DomId Dom;

    /// <summary>gnttab_map_grant_ref.status (out): GNTST_okay or why the map failed.</summary>
    [FieldOffset(18)]
    public GntSt Status;

    /// <summary>gnttab_map_grant_ref.handle (out): names the mapping for GNTTABOP_unmap_grant_ref.</summary>
    [FieldOffset(20)]
    public GrantHandle Handle;

    /// <summary>gnttab_map_grant_ref.dev_bus_addr (out): the frame's bus address, for a GNTMAP_device_map mapping.</summary>
    [FieldOffset(24)]
    public ulong DevBusAddr;
}
