using XvifSim.Guest.Net;

namespace XvifSim.Host;

/// <summary>
/// Copies of the frames crossing one interface, from <see cref="XenDomain.RecordFrames"/>:
/// those it received (from its driver, before the stack) and those it sent
/// (from the stack, before its driver), as a capture tap sees them.
/// </summary>
public sealed class FrameRecorder : ICaptureTap
{
    /// <summary>At most this many frames are kept each way; later ones are counted in <see cref="Dropped"/>.</summary>
    public const int Capacity = 4096;

    private readonly Lock _lock = new();
    private readonly List<byte[]> _received = [];
    private readonly List<byte[]> _sent = [];
    private long _dropped;
    private volatile bool _stopped;

    internal FrameRecorder()
    {
    }

    /// <summary>Frames the interface received, oldest first.</summary>
    public IReadOnlyList<byte[]> Received
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Frames the interface sent, oldest first.</summary>
    public IReadOnlyList<byte[]> Sent
    {
        get
        {
            lock (_lock)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Frames beyond <see cref="Capacity"/>, not kept.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Stops recording; frames already kept stay.</summary>
    public void Stop() => _stopped = true;

    /// <summary>The tap: runs on the interface's vCPU for every frame.</summary>
    void ICaptureTap.Frame(NetworkInterface iface, FrameDirection direction, PacketBuffer packet)
    {
        if (_stopped)
        {
            return;
        }

        lock (_lock)
        {
            List<byte[]> list = direction == FrameDirection.In ? _received : _sent;
            if (list.Count < Capacity)
            {
                list.Add(packet.ToArray());
                return;
            }
        }

        Interlocked.Increment(ref _dropped);
    }
}
