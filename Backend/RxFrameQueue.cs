using XvifSim.Guest.Net;

namespace XvifSim.Backend;

/// <summary>
/// Frames the stack sent to a guest that has no RX buffer posted yet (NetBSD's
/// if_snd): a fixed ring of references to the frames' packet buffers, nothing
/// copied (if_snd queues the mbufs themselves). Runs on dom0's vCPU only.
/// </summary>
internal sealed class RxFrameQueue(int capacity)
{
    private readonly PacketBuffer?[] _frames = new PacketBuffer?[capacity];
    private readonly bool[] _checksumBlank = new bool[capacity];
    private int _head;

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    /// <summary>Queues <paramref name="packet"/>, taking the caller's reference; false (the reference still the caller's) when full.</summary>
    public bool TryEnqueue(PacketBuffer packet, bool checksumBlank)
    {
        if (Count == _frames.Length)
        {
            return false;
        }

        int tail = (_head + Count) % _frames.Length;
        _frames[tail] = packet;
        _checksumBlank[tail] = checksumBlank;
        Count++;
        return true;
    }

    /// <summary>The oldest frame (still queued).</summary>
    public PacketBuffer Head => _frames[_head]!;

    /// <summary>Whether the oldest frame was sent with its L4 checksum left blank.</summary>
    public bool HeadChecksumBlank => _checksumBlank[_head];

    /// <summary>Removes the oldest frame and gives its reference to the caller.</summary>
    public PacketBuffer Dequeue()
    {
        PacketBuffer packet = _frames[_head]!;
        _frames[_head] = null;
        _head = (_head + 1) % _frames.Length;
        Count--;
        return packet;
    }

    /// <summary>Drops every queued frame, freeing its reference.</summary>
    public void Clear()
    {
        while (Count > 0)
        {
            Dequeue().Free();
        }
    }
}
