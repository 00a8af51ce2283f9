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

    [FieldOffset(0)]
    public ulong HostAddr;

    [FieldOffset(8)]
    public GntMapFlags Flags;

    [FieldOffset(12)]
    public GrantRef Ref;

    [FieldOffset(16)]
    public DomId Dom;

    [FieldOffset(18)]
    public GntSt Status;

    [FieldOffset(20)]
    public GrantHandle Handle;

    [FieldOffset(24)]
    public ulong DevBusAddr;
}
