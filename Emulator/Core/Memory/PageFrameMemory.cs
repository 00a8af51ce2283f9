using System.Buffers;
using XvifSim.Public;

namespace XvifSim.Emulator.Memory;

/// <summary>
/// A frame's page as a <see cref="MemoryManager{T}"/>, so that a ring or a
/// driver can keep it in a field as <see cref="Memory{T}"/>. The memory is
/// native and never moves: pinning is a no-op, and disposing it frees
/// nothing (the owner's <see cref="NativePageBlock"/> does, at reaping).
/// </summary>
internal sealed unsafe class PageFrameMemory(NativePageBlock block, nint address) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => block.Page(address);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, XenPage.Size);
        ObjectDisposedException.ThrowIf(block.IsFreed, block);
        return new MemoryHandle((byte*)address + elementIndex);
    }

    public override void Unpin()
    {
        // Native memory does not move: nothing was pinned.
    }

    protected override void Dispose(bool disposing)
    {
        // The page belongs to the owner's block, which outlives this view.
    }
}
