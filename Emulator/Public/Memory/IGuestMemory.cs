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
    /// The span is the page itself (native memory that never moves), not a
    /// copy; it must not be kept beyond the call that uses it.
    /// </summary>
    Span<byte> Page(Gfn gfn);

    /// <summary>
    /// The same page as <see cref="Page"/>, as a <see cref="Memory{T}"/> for
    /// code that keeps a page in a field (a ring's shared page, the
    /// shared_info page); each <c>.Span</c> of it allocates nothing.
    /// </summary>
    Memory<byte> PageMemory(Gfn gfn);

    /// <summary>True if something is behind <paramref name="gfn"/>.</summary>
    bool IsPresent(Gfn gfn);
}
