namespace XvifSim.Emulator.Domains;

/// <summary>
/// What the toolstack asks for when it creates a domain. The limits default
/// to Xen's: 64 grant frames (gnttab_max_frames) and 1024 maptrack frames
/// (gnttab_max_maptrack_frames).
/// </summary>
public sealed record DomainConfig(string Name)
{
    /// <summary>RAM in 4096-byte pages (populated on first touch).</summary>
    public ulong RamPages { get; init; } = 4096;

    /// <summary>max_grant_frames: the grant table can grow to this many frames of 512 entries.</summary>
    public uint MaxGrantFrames { get; init; } = 64;

    /// <summary>max_maptrack_frames: this many frames of maptrack entries (256 each) bound the grants it may map at once.</summary>
    public uint MaxMaptrackFrames { get; init; } = 1024;

    /// <summary>Gfns reserved for foreign grant mappings.</summary>
    public ulong MapSpacePages { get; init; } = 4096;
}
