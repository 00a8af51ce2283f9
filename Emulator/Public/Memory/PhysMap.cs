namespace XvifSim.Public.Memory;

/// <summary>
/// The fixed layout of a domain's guest-physical frames. Every region is a
/// half-open range of gfns; see <see cref="IGuestMemory"/>.
/// </summary>
public sealed record PhysMap(ulong RamPages, uint MaxGrantFrames, ulong MapSpacePages)
{
    /// <summary>Special pages after RAM: shared_info, then the XenStore ring.</summary>
    public const int SpecialPages = 2;

    /// <summary>Where the shared_info page lies: just above RAM.</summary>
    public Gfn SharedInfo => new(RamPages);

    /// <summary>Where the XenStore ring page lies: after shared_info.</summary>
    public Gfn XenstoreRing => new(RamPages + 1);

    /// <summary>The first of the grant-table frames setup_table places.</summary>
    public Gfn GrantFramesStart => new(RamPages + SpecialPages);

    /// <summary>The first gfn of the map space for foreign grant mappings.</summary>
    public Gfn MapSpaceStart => new(GrantFramesStart.Value + MaxGrantFrames);

    /// <summary>One past the last gfn of the address space.</summary>
    public Gfn End => new(MapSpaceStart.Value + MapSpacePages);

    /// <summary>True if <paramref name="gfn"/> is a RAM page.</summary>
    public bool IsRam(Gfn gfn) => gfn.Value < RamPages;

    /// <summary>True if <paramref name="gfn"/> lies in the map space (where foreign grants are mapped).</summary>
    public bool IsMapSpace(Gfn gfn) => gfn.Value >= MapSpaceStart.Value && gfn.Value < End.Value;
}
