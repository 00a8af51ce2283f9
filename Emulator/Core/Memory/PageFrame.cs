using XvifSim.Public;

namespace XvifSim.Emulator.Memory;

/// <summary>
/// One 4096-byte machine frame: a page of its owner's native block
/// (<see cref="DomainMemory"/>). It belongs to one domain (its owner) and may
/// appear in other domains' address spaces through grant mappings, which
/// hold a reference: while any is held the frame outlives its owner, as a
/// foreign-mapped page keeps a dying Xen domain a zombie.
/// </summary>
public sealed class PageFrame
{
    private readonly NativePageBlock _block;
    private PageFrameMemory? _memory;
    private int _foreignMaps;

    internal PageFrame(NativePageBlock block, ulong index, Mfn mfn, DomId owner)
    {
        _block = block;
        Address = block.Address(index);
        Mfn = mfn;
        Owner = owner;
    }

    /// <summary>The frame's machine frame number.</summary>
    public Mfn Mfn { get; }

    /// <summary>The domain that owns the frame.</summary>
    public DomId Owner { get; }

    /// <summary>
    /// The host virtual address of the frame's first byte: 4096-byte aligned,
    /// the same for the frame's whole life, and the frame of the next gfn of
    /// the owner starts <see cref="XenPage.Size"/> bytes later. It is there for
    /// a native (C) driver that wants to address guest memory directly, as a
    /// real driver addresses a mapped page. It stays valid until the owner is
    /// reaped (destroyed, no peer mapping and no grant copy left; see
    /// Machine.DestroyDomain) or the machine is disposed; a native user must
    /// not keep it past either.
    /// </summary>
    public nint Address { get; }

    /// <summary>The bytes of the page. ObjectDisposedException once the owner's memory is freed.</summary>
    public Span<byte> Span => _block.Page(Address);

    /// <summary>
    /// The page as a <see cref="Memory{T}"/>, for code that must keep a page
    /// in a field (a ring's shared page): made once per frame, and each
    /// <c>.Span</c> of it costs a virtual call, no allocation.
    /// </summary>
    public Memory<byte> Memory
    {
        get
        {
            PageFrameMemory? memory = Volatile.Read(ref _memory);
            if (memory is null)
            {
                var fresh = new PageFrameMemory(_block, Address);
                memory = Interlocked.CompareExchange(ref _memory, fresh, null) ?? fresh;
            }

            return memory.Memory;
        }
    }

    /// <summary>How many grant mappings in other domains point at this frame.</summary>
    public int ForeignMaps => Volatile.Read(ref _foreignMaps);

    internal void AddForeignMap() => Interlocked.Increment(ref _foreignMaps);

    internal void RemoveForeignMap()
    {
        if (Interlocked.Decrement(ref _foreignMaps) < 0)
        {
            throw new InvalidOperationException($"{Mfn}: foreign map count went negative");
        }
    }
}
