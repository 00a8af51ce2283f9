using XvifSim.Public.Netif;

namespace XvifSim.Backend;

/// <summary>
/// Frames the stack sent to a guest that has no RX buffer posted yet (NetBSD's
/// if_snd): a fixed ring of entries whose bytes come from the queue's own
/// free buffers, one list for frames up to <see cref="SmallBuffer"/> bytes
/// and one for jumbo frames. A buffer goes back to its list, never to the
/// GC, so once the queue has been as deep as it will get nothing is
/// allocated. (ArrayPool.Shared keeps only a few dozen buffers of a size
/// per core: a queue 512 deep made it allocate for most frames.)
/// Runs on dom0's vCPU only.
/// </summary>
internal sealed class RxFrameQueue(int capacity)
{
    /// <summary>Holds any frame of a 1500-byte MTU (1518 bytes with a VLAN tag).</summary>
    private const int SmallBuffer = 2048;

    private readonly Stack<byte[]> _freeSmall = new();
    private readonly Stack<byte[]> _freeJumbo = new();
    private readonly byte[]?[] _frames = new byte[]?[capacity];
    private readonly int[] _lengths = new int[capacity];
    private readonly bool[] _checksumBlank = new bool[capacity];
    private int _head;

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    /// <summary>Copies <paramref name="frame"/> in; false when full.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> frame, bool checksumBlank)
    {
        if (Count == _frames.Length)
        {
            return false;
        }

        int tail = (_head + Count) % _frames.Length;
        Stack<byte[]> free = frame.Length <= SmallBuffer ? _freeSmall : _freeJumbo;
        byte[] buffer = free.TryPop(out byte[]? reused) ? reused
            : new byte[frame.Length <= SmallBuffer ? SmallBuffer : Netif.EtherMaxLenJumbo];
        frame.CopyTo(buffer);
        _frames[tail] = buffer;
        _lengths[tail] = frame.Length;
        _checksumBlank[tail] = checksumBlank;
        Count++;
        return true;
    }

    /// <summary>The oldest frame (valid until <see cref="DropHead"/>).</summary>
    public ReadOnlySpan<byte> Head => _frames[_head].AsSpan(0, _lengths[_head]);

    /// <summary>Whether the oldest frame was sent with its L4 checksum left blank.</summary>
    public bool HeadChecksumBlank => _checksumBlank[_head];

    /// <summary>Removes the oldest frame and keeps its buffer for a later one.</summary>
    public void DropHead()
    {
        byte[] buffer = _frames[_head]!;
        (buffer.Length == SmallBuffer ? _freeSmall : _freeJumbo).Push(buffer);
        _frames[_head] = null;
        _head = (_head + 1) % _frames.Length;
        Count--;
    }

    public void Clear()
    {
        while (Count > 0)
        {
            DropHead();
        }
    }
}
