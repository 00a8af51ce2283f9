using XvifSim.Public;
using XvifSim.Public.Memory;

namespace XvifSim.Emulator.Memory;

/// <summary>
/// A domain's physical-to-machine map (the p2m): which frame sits behind each
/// gfn of the <see cref="PhysMap"/>. RAM is populated on first touch; special
/// pages and grant frames are placed by the hypervisor; the map space holds
/// foreign frames while they are grant-mapped.
/// </summary>
public sealed class DomainMemory : IGuestMemory
{
    private readonly PageFrame?[] _p2m;
    private readonly FrameAllocator _allocator;
    private readonly DomId _domain;

    /// <summary>An empty p2m of <paramref name="layout"/> for <paramref name="domain"/>; RAM pages are populated on first touch from <paramref name="allocator"/>.</summary>
    public DomainMemory(DomId domain, PhysMap layout, FrameAllocator allocator)
    {
        _domain = domain;
        Layout = layout;
        _allocator = allocator;
        _p2m = new PageFrame?[checked((int)layout.End.Value)];
    }

    /// <summary>Where RAM, the grant frames and the map space lie.</summary>
    public PhysMap Layout { get; }

    /// <summary>The bytes of page <paramref name="gfn"/>; a <see cref="GuestPageFaultException"/> if nothing is there.</summary>
    public byte[] Page(Gfn gfn) => Frame(gfn)?.Bytes ?? throw new GuestPageFaultException(_domain, gfn);

    /// <summary>True if a frame is placed at <paramref name="gfn"/>.</summary>
    public bool IsPresent(Gfn gfn) => Frame(gfn) is not null;

    /// <summary>The frame behind <paramref name="gfn"/>, populating RAM on first touch; null if nothing is there.</summary>
    public PageFrame? Frame(Gfn gfn)
    {
        if (gfn.Value >= (ulong)_p2m.Length)
        {
            return null;
        }

        int index = (int)gfn.Value;
        PageFrame? frame = Volatile.Read(ref _p2m[index]);
        if (frame is null && Layout.IsRam(gfn))
        {
            PageFrame fresh = _allocator.Allocate(_domain);
            frame = Interlocked.CompareExchange(ref _p2m[index], fresh, null) ?? fresh;
        }

        return frame;
    }

    /// <summary>Places a hypervisor-owned page of this domain (shared_info, a ring, a grant frame) at <paramref name="gfn"/>.</summary>
    public void Place(Gfn gfn, PageFrame frame)
    {
        if (gfn.Value >= (ulong)_p2m.Length || Interlocked.CompareExchange(ref _p2m[(int)gfn.Value], frame, null) is not null)
        {
            throw new InvalidOperationException($"{_domain}: {gfn} is outside the address space or already in use");
        }
    }

    /// <summary>Puts a foreign frame at an empty map-space gfn (a grant host mapping). False if the gfn is not a free map-space slot.</summary>
    public bool TryMapForeign(Gfn gfn, PageFrame frame)
    {
        if (!Layout.IsMapSpace(gfn))
        {
            return false;
        }

        return Interlocked.CompareExchange(ref _p2m[(int)gfn.Value], frame, null) is null;
    }

    /// <summary>Removes the foreign frame at <paramref name="gfn"/> if it is <paramref name="frame"/>.</summary>
    public bool TryUnmapForeign(Gfn gfn, PageFrame frame)
    {
        if (!Layout.IsMapSpace(gfn))
        {
            return false;
        }

        return ReferenceEquals(Interlocked.CompareExchange(ref _p2m[(int)gfn.Value], null, frame), frame);
    }
}
