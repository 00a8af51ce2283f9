using System.Buffers;

namespace XvifSim.Backend;

/// <summary>
/// Frames the stack sent to a guest that has no RX buffer posted yet (NetBSD's
/// if_snd): a fixed ring of entries whose bytes are rented from
/// <see cref="ArrayPool{T}.Shared"/>, so the steady state allocates nothing.
/// Runs on dom0's vCPU only.
/// </summary>
internal sealed class RxFrameQueue(int capacity)
{
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
        byte[] buffer = ArrayPool<byte>.Shared.Rent(frame.Length);
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

    /// <summary>Removes the oldest frame and returns its buffer to the pool.</summary>
    public void DropHead()
    {
        ArrayPool<byte>.Shared.Return(_frames[_head]!);
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
