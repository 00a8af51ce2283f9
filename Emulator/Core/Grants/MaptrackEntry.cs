using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Memory;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Emulator.Grants;

/// <summary>
/// One slot of a mapper's maptrack (Xen's struct grant_mapping): what a
/// grant handle maps. <see cref="Flags"/> is zero while the slot is free,
/// and then <see cref="NextFree"/> links the free list.
/// </summary>
internal struct MaptrackEntry
{
    public GntMapFlags Flags;
    public uint NextFree;

    /// <summary>The granting domain (held directly: it cannot die while this mapping pins its entry).</summary>
    public Domain? Granter;
    public GrantRef Ref;

    /// <summary>Where the frame sits in the mapper's map space (the map's host_addr).</summary>
    public Gfn Gfn;
    public PageFrame? Frame;

    public readonly bool InUse => Flags != GntMapFlags.None;

    public readonly bool IsReadonly => (Flags & GntMapFlags.Readonly) != 0;
}
