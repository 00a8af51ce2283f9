using XvifSim.Public;
using XvifSim.Public.Memory;

namespace XvifSim.Guest.Memory;

/// <summary>
/// Hands out gfns of the domain's map space (PhysMap.MapSpaceStart up to
/// End), where GNTTABOP_map_grant_ref makes a foreign page appear: what
/// Linux's xen_alloc_unpopulated_pages or NetBSD's uvm_km_alloc of VA does
/// for a backend before it maps a ring. Freed gfns are reused. Runs on the
/// domain's vCPU only, so it needs no lock.
/// </summary>
public sealed class MapSpaceAllocator(PhysMap layout)
{
    private readonly Stack<Gfn> _free = new();
    private ulong _next = layout.MapSpaceStart.Value;

    /// <summary>Map-space frames handed out and not yet freed.</summary>
    public int InUse { get; private set; }

    /// <summary>An unpopulated gfn to map a grant at, or false when the map space is used up.</summary>
    public bool TryAllocate(out Gfn gfn)
    {
        if (!_free.TryPop(out gfn))
        {
            if (_next >= layout.End.Value)
            {
                return false;
            }

            gfn = new Gfn(_next++);
        }

        InUse++;
        return true;
    }

    /// <summary>Returns <paramref name="gfn"/> (already unmapped) for reuse.</summary>
    public void Free(Gfn gfn)
    {
        if (!layout.IsMapSpace(gfn) || gfn.Value >= _next)
        {
            throw new ArgumentOutOfRangeException(nameof(gfn), gfn, "not a map-space gfn this allocator handed out");
        }

        InUse--;
        _free.Push(gfn);
    }
}
