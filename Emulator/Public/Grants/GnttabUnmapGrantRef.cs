using System.Runtime.InteropServices;

namespace XvifSim.Public.Grants;

/// <summary>
/// GNTTABOP_unmap_grant_ref's argument, grant_table.h's <c>struct
/// gnttab_unmap_grant_ref</c> (24 bytes on x86_64).
/// In: HostAddr, DevBusAddr, Handle. Out: Status.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct GnttabUnmapGrantRef
{
    /// <summary>sizeof(struct gnttab_unmap_grant_ref) on x86_64.</summary>
    public const int Size = 24;

    /// <summary>gnttab_unmap_grant_ref.host_addr: the address the mapping was made at.</summary>
    [FieldOffset(0)]
    public ulong HostAddr;

    /// <summary>gnttab_unmap_grant_ref.dev_bus_addr: the bus address of a GNTMAP_device_map mapping, else 0.</summary>
    [FieldOffset(8)]
    public ulong DevBusAddr;

    /// <summary>gnttab_unmap_grant_ref.handle: the handle GNTTABOP_map_grant_ref returned.</summary>
    [FieldOffset(16)]
    public GrantHandle Handle;

    /// <summary>gnttab_unmap_grant_ref.status (out): GNTST_okay or why the unmap failed.</summary>
    [FieldOffset(20)]
    public GntSt Status;
}
