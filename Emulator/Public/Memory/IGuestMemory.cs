namespace XvifSim.Public.Memory;

/// <summary>
/// One domain's guest-physical address space, as its kernel sees it. The
/// layout (<see cref="PhysMap"/>) is RAM from gfn 0, then the special pages
/// (shared_info, the XenStore ring), then the grant-table frames, then the map
/// space where foreign grants appear when mapped (as for an HVM or PVH guest).
/// </summary>
public interface IGuestMemory
{
    /// <summary>Where everything is.</summary>
    PhysMap Layout { get; }

    /// <summary>
    /// The 4096 bytes at <paramref name="gfn"/>: the domain's own RAM, a
    /// special page, a grant frame or a foreign frame mapped by grant.
    /// Touching a gfn with nothing behind it is the guest's page fault:
    /// <see cref="GuestPageFaultException"/>, which crashes the domain.
    /// </summary>
    byte[] Page(Gfn gfn);

    /// <summary>True if something is behind <paramref name="gfn"/>.</summary>
    bool IsPresent(Gfn gfn);
}
