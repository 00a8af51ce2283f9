namespace XvifSim.Guest.Net;

/// <summary>
/// A network interface as the kernel sees it (NetBSD's struct ifnet): a name
/// (xennet0, xvif1i0, bridge0), a MAC, flags UP and RUNNING, counters, the
/// driver below and the receiver above, and capture taps that see every frame
/// that crosses it. Used only on its domain's vCPU.
/// </summary>
public sealed class NetworkInterface(string name, MacAddress mac, INetDriver driver)
{
    private readonly List<ICaptureTap> _taps = [];

    /// <summary>The interface's name (xennet0, xvif1i0, bridge0).</summary>
    public string Name { get; } = name;

    /// <summary>The interface's MAC.</summary>
    public MacAddress Mac { get; } = mac;

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
    /// The stack sends <paramref name="frame"/>: taps see it, then the driver
    /// takes it. Dropped (and counted) unless UP and RUNNING.
    /// </summary>
    public bool Send(ReadOnlySpan<byte> frame, bool checksumBlank = false)
    {
        if (!IsUp || !IsRunning)
        {
            Counters.OutDrops++;
            return false;
        }

        foreach (ICaptureTap tap in _taps)
        {
            tap.Frame(this, FrameDirection.Out, frame);
        }

        if (!driver.Output(frame, checksumBlank))
        {
            return false;
        }

        Counters.OutPackets++;
        Counters.OutBytes += frame.Length;
        return true;
    }

    /// <summary>
    /// The hash the driver recorded on the frame being handed up (valid only
    /// during the <see cref="Receiver"/> call, as the frame is); none otherwise.
    /// </summary>
    public PacketHash ReceivedHash { get; private set; }

    /// <summary>The driver received <paramref name="frame"/>: count it, let the taps see it, hand it up.</summary>
    public void Input(ReadOnlySpan<byte> frame) => Input(frame, default);

    /// <summary>As <see cref="Input(ReadOnlySpan{byte})"/>, with the flow hash the driver recorded on the frame.</summary>
    public void Input(ReadOnlySpan<byte> frame, PacketHash hash)
    {
        Counters.InPackets++;
        Counters.InBytes += frame.Length;
        foreach (ICaptureTap tap in _taps)
        {
            tap.Frame(this, FrameDirection.In, frame);
        }

        if (Receiver is null)
        {
            Counters.InDrops++;
            return;
        }

        ReceivedHash = hash;
        try
        {
            Receiver(this, frame);
        }
        finally
        {
            ReceivedHash = default;
        }
    }

    /// <summary>Name and MAC.</summary>
    public override string ToString() => $"{Name} ({Mac})";
}
