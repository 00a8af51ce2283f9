namespace XvifSim.Emulator.Memory;

/// <summary>
/// The hypervisor's heap: gives each domain one native block for its
/// guest-physical frames and a run of machine frame numbers for it (so the
/// mfn of gfn n is the block's first mfn + n), and counts the blocks not yet
/// freed, so a test can prove that destroyed domains give their memory back.
/// </summary>
public sealed class FrameAllocator
{
    private long _nextMfn = 1;
    private long _blocks;
    private long _bytes;

    /// <summary>Native blocks allocated and not yet freed (one per domain not yet reaped).</summary>
    public long BlocksOutstanding => Interlocked.Read(ref _blocks);

    /// <summary>The bytes of address space those blocks span (resident memory is only what guests touched).</summary>
    public long BytesOutstanding => Interlocked.Read(ref _bytes);

    /// <summary>A zero-filled block of <paramref name="pages"/> pages and the mfn of its first page.</summary>
    internal NativePageBlock Allocate(ulong pages, out Mfn firstMfn)
    {
        NativePageBlock block = NativePageBlock.Allocate(pages);
        firstMfn = new Mfn((ulong)(Interlocked.Add(ref _nextMfn, (long)pages) - (long)pages));
        Interlocked.Increment(ref _blocks);
        Interlocked.Add(ref _bytes, (long)block.Bytes);
        return block;
    }

    /// <summary>Frees a block <see cref="Allocate"/> gave; a block already freed is not counted twice.</summary>
    internal void Free(NativePageBlock block)
    {
        if (block.Free())
        {
            Interlocked.Decrement(ref _blocks);
            Interlocked.Add(ref _bytes, -(long)block.Bytes);
        }
    }
}
