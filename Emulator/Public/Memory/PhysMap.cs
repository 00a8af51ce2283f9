namespace XvifSim.Public.Memory;

/// <summary>
/// The fixed layout of a domain's guest-physical frames. Every region is a
/// half-open range of gfns; see <see cref="IGuestMemory"/>.
/// </summary>
public sealed record PhysMap(ulong RamPages, uint MaxGrantFrames, ulong MapSpacePages)
{
    /// <summary>Special pages after RAM: shared_info, then the XenStore ring.</summary>
    public const int SpecialPages = 2;

    public Gfn SharedInfo => new(RamPages);

    public Gfn XenstoreRing => new(RamPages + 1);

    /// <summary>The first of the grant-table frames setup_table places.</summary>
    public Gfn GrantFramesStart => new(RamPages + SpecialPages);

    /// <summary>The first gfn of the map space for foreign grant mappings.</summary>
    public Gfn MapSpaceStart => new(GrantFramesStart.Value + MaxGrantFrames);

    /// <summary>One past the last gfn of the address space.</summary>
    public Gfn End => new(MapSpaceStart.Value + MapSpacePages);

    public bool IsRam(Gfn gfn) => gfn.Value < RamPages;

    public bool IsMapSpace(Gfn gfn) => gfn.Value >= MapSpaceStart.Value && gfn.Value < End.Value;
}
