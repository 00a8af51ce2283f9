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

    [FieldOffset(0)]
    public ulong HostAddr;

    [FieldOffset(8)]
    public ulong DevBusAddr;

    [FieldOffset(16)]
    public GrantHandle Handle;

    [FieldOffset(20)]
    public GntSt Status;
}
