using System.Runtime.InteropServices;
using XvifSim.Public;

namespace XvifSim.Emulator.Memory;

/// <summary>
/// One domain's guest-physical frames (RAM, special pages, grant frames) as
/// one 4096-byte-aligned block of native memory, outside the managed heap:
/// the GC never moves or scans it, gfn n+1 lies directly after gfn n, and a
/// frame's address is stable until <see cref="Free"/>. This file and
/// <see cref="PageFrameMemory"/> are the only code of the emulator that
/// touches pointers; everything else sees <see cref="Span{T}"/>.
/// <para>
/// On Linux the block is an anonymous private mapping with MAP_NORESERVE:
/// the kernel zero-fills a page on its first touch, so pages a guest never
/// touches cost no resident memory (as a Xen guest's unpopulated p2m costs
/// no machine memory). Elsewhere it is NativeMemory.AlignedAlloc cleared at
/// once, so every page of it is resident from the start.
/// </para>
/// </summary>
internal sealed unsafe class NativePageBlock
{
    private readonly byte* _base;
    private int _freed;

    private NativePageBlock(byte* start, ulong pages, bool mapped)
    {
        _base = start;
        Pages = pages;
        IsMapped = mapped;
    }

    /// <summary>Pages in the block.</summary>
    public ulong Pages { get; }

    /// <summary>Bytes in the block.</summary>
    public ulong Bytes => Pages * XenPage.Size;

    /// <summary>True if the block came from mmap (zero-filled lazily), false for the aligned-allocation fallback.</summary>
    public bool IsMapped { get; }

    /// <summary>True once <see cref="Free"/> has returned the memory.</summary>
    public bool IsFreed => Volatile.Read(ref _freed) != 0;

    /// <summary>A zero-filled block of <paramref name="pages"/> 4096-byte pages.</summary>
    public static NativePageBlock Allocate(ulong pages)
    {
        ArgumentOutOfRangeException.ThrowIfZero(pages);
        nuint bytes = checked((nuint)(pages * XenPage.Size));
        if (OperatingSystem.IsLinux())
        {
            nint start = LinuxMmap.MapAnonymous(bytes);
            return new NativePageBlock((byte*)start, pages, mapped: true);
        }

        void* memory = NativeMemory.AlignedAlloc(bytes, XenPage.Size);
        NativeMemory.Clear(memory, bytes);
        return new NativePageBlock((byte*)memory, pages, mapped: false);
    }

    /// <summary>The host address of page <paramref name="index"/>'s first byte.</summary>
    public nint Address(ulong index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Pages);
        return (nint)(_base + (index * XenPage.Size));
    }

    /// <summary>
    /// The 4096 bytes at <paramref name="address"/>, a page of this block.
    /// ObjectDisposedException once the block is freed: the lifetime rules
    /// (Machine.ReapIfUnreferenced) keep every guest path from getting here
    /// then; this turns a host's late use into an exception, not a wild access.
    /// </summary>
    public Span<byte> Page(nint address)
    {
        ObjectDisposedException.ThrowIf(IsFreed, this);
        return new Span<byte>((void*)address, XenPage.Size);
    }

    /// <summary>Returns the memory; true from the one call that did. The caller has proved nothing can touch the block any more.</summary>
    public bool Free()
    {
        if (Interlocked.Exchange(ref _freed, 1) != 0)
        {
            return false;
        }

        if (IsMapped)
        {
            LinuxMmap.Unmap((nint)_base, (nuint)Bytes);
        }
        else
        {
            NativeMemory.AlignedFree(_base);
        }

        return true;
    }
}
