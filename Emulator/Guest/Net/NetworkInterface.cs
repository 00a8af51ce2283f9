namespace XvifSim.Guest.Net;

/// <summary>
/// A network interface as the kernel sees it (NetBSD's struct ifnet): a name
/// (xennet0, xvif1i0, bridge0), a MAC, flags UP and RUNNING, counters, the
/// driver below and the receiver above, and capture taps that see every frame
/// that crosses it. Frames are <see cref="PacketBuffer"/>s from
/// <see cref="Pool"/>, the domain's. Used only on its domain's vCPU.
/// </summary>
public sealed class NetworkInterface(string name, MacAddress mac, INetDriver driver, PacketPool pool)
{
    private readonly List<ICaptureTap> _taps = [];

    /// <summary>The interface's name (xennet0, xvif1i0, bridge0).</summary>
    public string Name { get; } = name;

    /// <summary>The interface's MAC.</summary>
    public MacAddress Mac { get; } = mac;

    /// <summary>The domain's packet buffers: the stack on this interface builds its frames there.</summary>
    public PacketPool Pool { get; } = pool;

    /// <summary>The MTU in bytes of IP packet (1500 unless the driver negotiated more).</summary>
    public int Mtu { get; set; } = 1500;

    /// <summary>IFF_UP: the administrator enabled it.</summary>
    public bool IsUp { get; set; }

    /// <summary>IFF_RUNNING: the driver is ready (connected to its peer).</summary>
    public bool IsRunning { get; set; }

    /// <summary>Packets, bytes, errors and drops each way.</summary>
    public InterfaceCounters Counters { get; } = new();

    /// <summary>
    /// NetBSD's if_schedule_deferred_start: the driver refused a frame for
    /// want of room and has since freed some. A sender that backed off sends
    /// again from here, on this interface's vCPU.
    /// </summary>
    public event Action<NetworkInterface>? TransmitReady;

    /// <summary>The driver has room again after refusing a frame: raises <see cref="TransmitReady"/>.</summary>
    public void DeferredStart() => TransmitReady?.Invoke(this);

    /// <summary>Where received frames go; frames arriving with none set are dropped and counted.</summary>
    public FrameHandler? Receiver { get; set; }

    /// <summary>Adds a tap that sees every frame crossing the interface from now on (bpf_attach).</summary>
    public void AddTap(ICaptureTap tap) => _taps.Add(tap);

    /// <summary>
    /// The stack sends <paramref name="packet"/>, giving up its reference:
    /// taps see it, then the driver takes it. Dropped (freed and counted)
    /// unless UP and RUNNING.
    /// </summary>
    public bool Send(PacketBuffer packet, bool checksumBlank = false)
    {
        if (!IsUp || !IsRunning)
        {
            Counters.OutDrops++;
            packet.Free();
            return false;
        }

        foreach (ICaptureTap tap in _taps)
        {
            tap.Frame(this, FrameDirection.Out, packet);
        }

        int length = packet.Length;
        if (!driver.Output(packet, checksumBlank))
        {
            return false;
        }

        Counters.OutPackets++;
        Counters.OutBytes += length;
        return true;
    }

    /// <summary>
    /// Sends a frame that originates outside the stack (a replayed capture, a
    /// test's raw frame): its bytes are copied into a buffer from
    /// <see cref="Pool"/>, then sent as <see cref="Send(PacketBuffer, bool)"/>
    /// does. Dropped and counted if empty, longer than
    /// <see cref="EthernetFrame.MaxFrameLength"/>, or the pool has no buffer.
    /// </summary>
    public bool Send(ReadOnlySpan<byte> frame, bool checksumBlank = false)
    {
        if (frame.IsEmpty || frame.Length > EthernetFrame.MaxFrameLength || !Pool.TryAllocate(frame.Length, out PacketBuffer packet))
        {
            Counters.OutDrops++;
            return false;
        }

        packet.CopyFrom(0, frame);
        return Send(packet, checksumBlank);
    }

    /// <summary>
    /// The hash the driver recorded on the frame being handed up (valid only
    /// during the <see cref="Receiver"/> call, as the frame is); none otherwise.
    /// </summary>
    public PacketHash ReceivedHash { get; private set; }

    /// <summary>
    /// The driver received <paramref name="packet"/> and gives up its
    /// reference: count it, let the taps see it, lend it to the receiver,
    /// then free it, with the flow hash the driver recorded on it (if any).
    /// </summary>
    public void Input(PacketBuffer packet, PacketHash hash = default)
    {
        Counters.InPackets++;
        Counters.InBytes += packet.Length;
        foreach (ICaptureTap tap in _taps)
        {
            tap.Frame(this, FrameDirection.In, packet);
        }

        if (Receiver is null)
        {
            Counters.InDrops++;
            packet.Free();
            return;
        }

        ReceivedHash = hash;
        try
        {
            Receiver(this, packet);
        }
        finally
        {
            ReceivedHash = default;
            packet.Free();
        }
    }

    /// <summary>
    /// Receives a frame that originates outside a driver (a test's raw
    /// frame): its bytes are copied into a buffer from <see cref="Pool"/> and
    /// handed up as <see cref="Input(PacketBuffer, PacketHash)"/> does.
    /// Dropped and counted if empty, longer than
    /// <see cref="EthernetFrame.MaxFrameLength"/>, or the pool has no buffer.
    /// </summary>
    public void Input(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty || frame.Length > EthernetFrame.MaxFrameLength || !Pool.TryAllocate(frame.Length, out PacketBuffer packet))
        {
            Counters.InDrops++;
            return;
        }

        packet.CopyFrom(0, frame);
        Input(packet);
    }

    /// <summary>Name and MAC.</summary>
    public override string ToString() => $"{Name} ({Mac})";
}
