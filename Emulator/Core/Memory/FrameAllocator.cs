using XvifSim.Public;

namespace XvifSim.Emulator.Memory;

/// <summary>Hands out machine frames with unique numbers (the hypervisor's heap).</summary>
public sealed class FrameAllocator
{
    private long _next;

    /// <summary>A fresh zeroed frame owned by <paramref name="owner"/>.</summary>
    public PageFrame Allocate(DomId owner) => new(new Mfn((ulong)Interlocked.Increment(ref _next)), owner);
}
