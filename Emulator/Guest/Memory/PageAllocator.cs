using XvifSim.Public;
using XvifSim.Public.Memory;

namespace XvifSim.Guest.Memory;

/// <summary>
/// The guest kernel's allocator of its own RAM pages (gfn 0 up to
/// PhysMap.RamPages). Pages are handed out lowest first and can be freed for
/// reuse. It runs on the guest's vCPU only, so it needs no lock.
/// </summary>
public sealed class PageAllocator(IGuestMemory memory)
{
    private readonly Stack<Gfn> _free = new();
    private ulong _next;

    /// <summary>Pages handed out and not yet freed.</summary>
    public int InUse { get; private set; }

    /// <summary>A zeroed page of the guest's RAM, or false when RAM is exhausted.</summary>
    public bool TryAllocate(out Gfn gfn)
    {
        if (_free.TryPop(out gfn))
        {
            memory.Page(gfn).Clear();
        }
        else if (_next < memory.Layout.RamPages)
        {
            gfn = new Gfn(_next++);
        }
        else
        {
            return false;
        }

        InUse++;
        return true;
    }

    /// <summary>A free page; throws if the domain's RAM is exhausted (use <see cref="TryAllocate"/> where running out is a guest-visible condition).</summary>
    public Gfn Allocate() =>
        TryAllocate(out Gfn gfn) ? gfn : throw new InvalidOperationException($"guest RAM exhausted ({memory.Layout.RamPages} pages)");

    /// <summary>Returns <paramref name="gfn"/> to the free pool.</summary>
    public void Free(Gfn gfn)
    {
        if (!memory.Layout.IsRam(gfn) || gfn.Value >= _next)
        {
            throw new ArgumentOutOfRangeException(nameof(gfn), gfn, "not a page this allocator handed out");
        }

        InUse--;
        _free.Push(gfn);
    }
}
