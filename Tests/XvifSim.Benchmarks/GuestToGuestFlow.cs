using System.Diagnostics;
using XvifSim.Guest.Net;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;

namespace XvifSim.Benchmarks;

/// <summary>
/// Guest to guest through dom0's bridge, as the udp-stream scenario runs it
/// (dom0 with bridge0, guest1 and guest2 each with one vif, the threaded
/// scheduler, captures on every interface or none), measured in a steady
/// state: guest1 sends UDP datagrams from its vCPU with a
/// <see cref="CreditedSender"/>, one <see cref="GuestToGuestStream"/> per
/// frame size, and frames delivered to guest2's UDP are counted over timed
/// windows.
/// </summary>
public sealed class GuestToGuestFlow : IDisposable
{
    /// <summary>The first stream's port; each later stream takes the next, so a straggler of one is never counted by another.</summary>
    public const ushort FirstPort = 5001;

    /// <summary>Ethernet (14) + IPv4 (20) + UDP (8): a frame is this plus the payload, FCS not included (as pcap records it).</summary>
    public const int Headers = EthernetFrame.HeaderLength + IPv4Header.MinLength + UdpHeader.Length;

    /// <summary>
    /// A stall this long means the frames in flight were lost, and the window
    /// reopens. Long, because on a loaded machine a vCPU thread can wait
    /// tens of milliseconds for a core: writing off frames that are only late
    /// would overrun the window and the rings.
    /// </summary>
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    /// <summary>How long the frames in flight at the end of a stream may take to land before they count as lost.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(1.5);

    private readonly SimulatedXen _xen;
    private readonly GuestSystem _one;
    private readonly GuestSystem _two;
    private readonly string? _captures;
    private ushort _port = FirstPort;

    private GuestToGuestFlow(SimulatedXen xen, GuestSystem one, GuestSystem two, string? captures)
    {
        _xen = xen;
        _one = one;
        _two = two;
        _captures = captures;
    }

    public bool Capture => _captures is not null;

    /// <summary>The capture folder the files are written to (Captures/g2g under the temporary directory), or null with capture off.</summary>
    public string? CaptureDirectory => _xen.Captures?.Directory;

    /// <summary>Bytes the capture writer thread has written to the files so far (0 with capture off).</summary>
    public long CaptureBytesWritten => _xen.Captures?.BytesWritten ?? 0;

    /// <summary>The time the vCPUs have waited for the capture writer to free room so far, over all of them (zero with capture off).</summary>
    public TimeSpan CaptureBackPressure => _xen.Captures?.BackPressure ?? TimeSpan.Zero;

    /// <summary>Protocol trace records go into all.pcapng too (docs/trace-format.md).</summary>
    public bool Trace => _xen.Machine.Trace is not null;

    /// <summary>
    /// Boots dom0, bridge0 and both guests under the threaded scheduler,
    /// capturing every interface into a fresh temporary directory when
    /// <paramref name="capture"/> is set (with the protocol trace records when
    /// <paramref name="trace"/> is set too), and resolves ARP with one datagram
    /// so that the stream's frames are all datagrams.
    /// </summary>
    public static GuestToGuestFlow Start(bool capture, bool trace = false)
    {
        string? captures = capture ? Directory.CreateTempSubdirectory("xvifsim-bench-").FullName : null;
        var xen = new SimulatedXen(new ScenarioOptions(Threaded: true) { CaptureDirectory = captures, Trace = trace }, "g2g");
        var failures = new List<string>();
        if (GuestPair.Start(xen, failures) is not (GuestSystem one, GuestSystem two))
        {
            xen.Dispose();
            throw new InvalidOperationException(string.Join("; ", failures));
        }

        var flow = new GuestToGuestFlow(xen, one, two, captures);
        flow.ResolveArp();
        return flow;
    }

    /// <summary>
    /// A stream of frames of <paramref name="frameLength"/> bytes from guest1
    /// to guest2 on a port of its own, paused until its first window.
    /// </summary>
    public GuestToGuestStream Open(int frameLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameLength, Headers + 4);
        ushort port = _port++;
        var sender = new CreditedSender(_one.Kernel.Hypercalls.Vcpu, _one.Ip!, _two.Address, port, frameLength - Headers);
        VcpuWork.Run(_xen.Machine.Scheduler, _two.Kernel, () => _two.Ip!.Bind(port, sender.OnDatagram));
        return new GuestToGuestStream(this, sender, frameLength);
    }

    /// <summary>
    /// Waits for what is in flight to land, longer than xvif's 1-second RX
    /// watchdog: frames queued in dom0 for want of RX buffers when the stream
    /// paused are sent only on guest2's next event or by that watchdog.
    /// </summary>
    internal void Drain(CreditedSender sender) => _xen.Machine.Scheduler.RunUntil(() => sender.Delivered == sender.Sent, DrainLimit);

    /// <summary>The path's drop counters now.</summary>
    internal PathDrops Drops() => PathDrops.Take(_xen, _one, _two);

    public void Dispose()
    {
        _xen.Dispose();
        if (_captures is not null && Directory.Exists(_captures))
        {
            Directory.Delete(_captures, recursive: true);
        }
    }

    private void ResolveArp()
    {
        bool arrived = false;
        ushort port = _port++;
        VcpuWork.Run(_xen.Machine.Scheduler, _two.Kernel, () => _two.Ip!.Bind(port, (_, _, _, _) => Volatile.Write(ref arrived, true)));
        VcpuWork.Run(_xen.Machine.Scheduler, _one.Kernel, () => _one.Ip!.SendTo(_two.Address, port, port, [0]));
        if (!_xen.Machine.Scheduler.RunUntil(() => Volatile.Read(ref arrived), TimeSpan.FromSeconds(5)))
        {
            throw new InvalidOperationException("guest1's first datagram did not reach guest2 within 5 s");
        }

        VcpuWork.Run(_xen.Machine.Scheduler, _two.Kernel, () => _two.Ip!.Unbind(port));
    }

    /// <summary>Waits out <paramref name="span"/> on the host thread, reopening the window if the stream stalls (lost frames).</summary>
    internal void Feed(CreditedSender sender, TimeSpan span)
    {
        // Timestamps, not a Stopwatch object: nothing in a timed window allocates but what is measured.
        long start = Stopwatch.GetTimestamp();
        long lastDelivered = sender.Delivered;
        TimeSpan lastProgress = TimeSpan.Zero;
        while (Stopwatch.GetElapsedTime(start) < span)
        {
            _xen.Machine.Scheduler.RunFor(Tick);
            long delivered = sender.Delivered;
            if (delivered != lastDelivered)
            {
                lastDelivered = delivered;
                lastProgress = Stopwatch.GetElapsedTime(start);
            }
            else if (Stopwatch.GetElapsedTime(start) - lastProgress >= Stall)
            {
                sender.WriteOffInFlight();
                lastProgress = Stopwatch.GetElapsedTime(start);
            }
        }
    }
}
