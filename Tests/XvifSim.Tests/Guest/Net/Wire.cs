using XvifSim.Guest.Net;

namespace XvifSim.Tests.Guest.Net;

/// <summary>
/// Loopback cables between interfaces, with no Xen underneath. Frames (their
/// packet buffers) wait in preallocated slots when sent and are delivered by <see cref="Pump"/>,
/// as a real driver defers them to the peer's vCPU; this keeps a reply from
/// running inside the send that caused it, and allocates nothing per frame.
/// Blank checksums are completed in transit, as a driver offloading them would.
/// </summary>
internal sealed class Wire(PacketPool pool)
{
    private const int Slots = 256;
    private readonly PacketBuffer?[] _frames = new PacketBuffer?[Slots];
    private readonly NetworkInterface?[] _targets = new NetworkInterface?[Slots];
    private int _head;
    private int _count;

    public Wire()
        : this(TestPackets.Pool())
    {
    }

    /// <summary>The packet buffers of every interface on this wire (one pool, as if one domain).</summary>
    public PacketPool Pool { get; } = pool;

    /// <summary>Completes blank UDP checksums in transit (the driver's offload); off, they arrive as the stack left them.</summary>
    public bool CompleteBlankChecksums { get; set; } = true;

    /// <summary>Frames sent with checksumBlank.</summary>
    public long BlankFrames { get; private set; }

    /// <summary>Two interfaces, UP and RUNNING, joined by a cable.</summary>
    public (NetworkInterface A, NetworkInterface B) Cable(string nameA, MacAddress macA, string nameB, MacAddress macB)
    {
        var endA = new WireEnd(this);
        var endB = new WireEnd(this);
        var a = new NetworkInterface(nameA, macA, endA, Pool) { IsUp = true, IsRunning = true };
        var b = new NetworkInterface(nameB, macB, endB, Pool) { IsUp = true, IsRunning = true };
        endA.Peer = b;
        endB.Peer = a;
        return (a, b);
    }

    /// <summary>An interface, UP and RUNNING, whose cable leads nowhere (a test watches it through a tap).</summary>
    public NetworkInterface Unplugged(string name, MacAddress mac) =>
        new(name, mac, new WireEnd(this), Pool) { IsUp = true, IsRunning = true };

    /// <summary>Takes <paramref name="packet"/> (and its reference) to <paramref name="target"/> at the next <see cref="Pump"/>.</summary>
    public void Carry(NetworkInterface? target, PacketBuffer packet, bool checksumBlank)
    {
        if (checksumBlank)
        {
            BlankFrames++;
        }

        if (target is null)
        {
            packet.Free();
            return;
        }

        if (_count == Slots)
        {
            throw new InvalidOperationException("wire overflow: pump it");
        }

        int slot = (_head + _count) % Slots;
        _frames[slot] = packet;
        _targets[slot] = target;
        _count++;
        if (checksumBlank && CompleteBlankChecksums)
        {
            ChecksumOffload.Complete(packet);
        }
    }

    /// <summary>Delivers frames, including those sent in answer, until the wire is quiet. Returns how many.</summary>
    public int Pump()
    {
        int delivered = 0;
        while (_count > 0)
        {
            int slot = _head;
            _head = (_head + 1) % Slots;
            _count--;
            delivered++;
            PacketBuffer packet = _frames[slot]!;
            _frames[slot] = null;
            _targets[slot]!.Input(packet);
        }

        return delivered;
    }
}
