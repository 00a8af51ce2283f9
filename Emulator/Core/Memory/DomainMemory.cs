using XvifSim.Public;
using XvifSim.Public.Memory;

namespace XvifSim.Emulator.Memory;

/// <summary>
/// A domain's physical-to-machine map (the p2m): which frame sits behind each
/// gfn of the <see cref="PhysMap"/>. Everything below the map space (RAM, the
/// special pages, the grant frames) is one native block of the domain's own
/// (<see cref="NativePageBlock"/>), so gfn n+1 directly follows gfn n in host
/// memory; RAM is populated on first touch, special pages and grant frames
/// are placed by the hypervisor, and the map space holds foreign frames while
/// they are grant-mapped. The block is freed by <see cref="Release"/> when the
/// domain is reaped; from then on no gfn has a frame.
/// </summary>
public sealed class DomainMemory : IGuestMemory
{
    private readonly PageFrame?[] _p2m;
    private readonly FrameAllocator _allocator;
    private readonly NativePageBlock _block;
    private readonly Mfn _firstMfn;
    private readonly DomId _domain;
    private volatile bool _released;

    /// <summary>A p2m of <paramref name="layout"/> for <paramref name="domain"/> over a fresh zero-filled block from <paramref name="allocator"/>; RAM pages are populated on first touch.</summary>
    public DomainMemory(DomId domain, PhysMap layout, FrameAllocator allocator)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(allocator);
        _domain = domain;
        Layout = layout;
        _allocator = allocator;
        _p2m = new PageFrame?[checked((int)layout.End.Value)];
        _block = allocator.Allocate(layout.MapSpaceStart.Value, out _firstMfn);
    }

    /// <summary>Where RAM, the grant frames and the map space lie.</summary>
    public PhysMap Layout { get; }

    /// <summary>True once the domain was reaped and its block freed.</summary>
    public bool IsReleased => _released;

    /// <summary>The bytes of page <paramref name="gfn"/>; a <see cref="GuestPageFaultException"/> if nothing is there.</summary>
    public Span<byte> Page(Gfn gfn) => (Frame(gfn) ?? throw new GuestPageFaultException(_domain, gfn)).Span;

    /// <summary>Page <paramref name="gfn"/> as a <see cref="Memory{T}"/> to keep in a field; a <see cref="GuestPageFaultException"/> if nothing is there.</summary>
    public Memory<byte> PageMemory(Gfn gfn) => (Frame(gfn) ?? throw new GuestPageFaultException(_domain, gfn)).Memory;

    /// <summary>True if a frame is placed at <paramref name="gfn"/>.</summary>
    public bool IsPresent(Gfn gfn) => Frame(gfn) is not null;

    /// <summary>The frame behind <paramref name="gfn"/>, populating RAM on first touch; null if nothing is there (or the memory is released).</summary>
    public PageFrame? Frame(Gfn gfn)
    {
        if (gfn.Value >= (ulong)_p2m.Length || _released)
        {
            return null;
        }

        int index = (int)gfn.Value;
        PageFrame? frame = Volatile.Read(ref _p2m[index]);
        if (frame is null && Layout.IsRam(gfn))
        {
            PageFrame fresh = OwnFrame(gfn);
            frame = Interlocked.CompareExchange(ref _p2m[index], fresh, null) ?? fresh;
        }

        return frame;
    }

    /// <summary>Places the domain's own page at <paramref name="gfn"/> as a hypervisor-owned page (shared_info, the XenStore ring, a grant frame) and returns it.</summary>
    public PageFrame PlaceOwn(Gfn gfn)
    {
        if (gfn.Value >= Layout.MapSpaceStart.Value || Layout.IsRam(gfn))
        {
            throw new InvalidOperationException($"{_domain}: {gfn} is not a special page or grant frame");
        }

        PageFrame frame = OwnFrame(gfn);
        if (Interlocked.CompareExchange(ref _p2m[(int)gfn.Value], frame, null) is not null)
        {
            throw new InvalidOperationException($"{_domain}: {gfn} is already in use");
        }

        return frame;
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

    /// <summary>
    /// Frees the block (Xen's domain_relinquish_resources giving the domain's
    /// pages back to the heap). Only the reaper calls this, once it has proved
    /// that nothing can touch the pages any more: the vCPU stopped, no peer
    /// maps a page and no grant copy is in flight (Machine.ReapIfUnreferenced).
    /// From now on every gfn is empty.
    /// </summary>
    internal void Release()
    {
        _released = true;
        _allocator.Free(_block);
    }

    private PageFrame OwnFrame(Gfn gfn) => new(_block, gfn.Value, new Mfn(_firstMfn.Value + gfn.Value), _domain);
}
