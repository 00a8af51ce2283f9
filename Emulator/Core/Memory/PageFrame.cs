using XvifSim.Public;

namespace XvifSim.Emulator.Memory;

/// <summary>
/// One 4096-byte machine frame. It belongs to one domain (its owner) and may
/// appear in other domains' address spaces through grant mappings, which
/// hold a reference: while any is held the frame outlives its owner, as a
/// foreign-mapped page keeps a dying Xen domain a zombie.
/// </summary>
public sealed class PageFrame
{
    private int _foreignMaps;

    internal PageFrame(Mfn mfn, DomId owner)
    {
        Mfn = mfn;
        Owner = owner;
    }

    /// <summary>The frame's machine frame number.</summary>
    public Mfn Mfn { get; }

    /// <summary>The domain that owns the frame.</summary>
    public DomId Owner { get; }

    /// <summary>The real bytes of the page.</summary>
    public byte[] Bytes { get; } = new byte[XenPage.Size];

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
