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
/// <see cref="CreditedSender"/>, and frames delivered to guest2's UDP are
/// counted over a timed window after a warm-up.
/// </summary>
public sealed class GuestToGuestFlow : IDisposable
{
    public const ushort Port = 5001;

    /// <summary>Ethernet (14) + IPv4 (20) + UDP (8): a frame is this plus the payload, FCS not included (as pcap records it).</summary>
    public const int Headers = EthernetFrame.HeaderLength + IPv4Header.MinLength + UdpHeader.Length;

    /// <summary>A stall this long with frames in flight means they were lost; the window reopens.</summary>
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private readonly SimulatedXen _xen;
    private readonly GuestSystem _one;
    private readonly GuestSystem _two;
    private readonly string? _captures;

    private GuestToGuestFlow(SimulatedXen xen, GuestSystem one, GuestSystem two, string? captures)
    {
        _xen = xen;
        _one = one;
        _two = two;
        _captures = captures;
    }

    public bool Capture => _captures is not null;

    /// <summary>
    /// Boots dom0, bridge0 and both guests under the threaded scheduler,
    /// capturing every interface into a fresh temporary directory when
    /// <paramref name="capture"/> is set, and resolves ARP with one datagram
    /// so that the stream's frames are all datagrams.
    /// </summary>
    public static GuestToGuestFlow Start(bool capture)
    {
        string? captures = capture ? Directory.CreateTempSubdirectory("xvifsim-bench-").FullName : null;
        var xen = new SimulatedXen(new ScenarioOptions(Threaded: true) { CaptureDirectory = captures }, "g2g");
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
    /// Streams frames of <paramref name="frameLength"/> bytes for
    /// <paramref name="warmUp"/>, then counts those delivered in
    /// <paramref name="window"/>, then stops the sender and lets what is in
    /// flight land before counting what was lost.
    /// </summary>
    public FlowResult Measure(int frameLength, TimeSpan warmUp, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameLength, Headers + 4);
        var sender = new CreditedSender(_one.Kernel.Hypercalls.Vcpu, _one.Ip!, _two.Address, Port, frameLength - Headers);
        VcpuWork.Run(_xen.Machine.Scheduler, _two.Kernel, () =>
        {
            _two.Ip!.Unbind(Port);
            _two.Ip.Bind(Port, sender.OnDatagram);
        });

        sender.Kick();
        Feed(sender, warmUp);
        long framesBefore = sender.Delivered;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        Feed(sender, window);
        long frames = sender.Delivered - framesBefore;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        double seconds = clock.Elapsed.TotalSeconds;

        sender.Stop();
        long last = -1;
        while (sender.Delivered != last)
        {
            last = sender.Delivered;
            _xen.Machine.Scheduler.RunFor(Stall);
        }

        return new FlowResult(frameLength, Capture, frames, seconds, sender.Refused, sender.Sent - sender.Delivered, allocated);
    }

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
        VcpuWork.Run(_xen.Machine.Scheduler, _two.Kernel, () => _two.Ip!.Bind(Port, (_, _, _, _) => Volatile.Write(ref arrived, true)));
        VcpuWork.Run(_xen.Machine.Scheduler, _one.Kernel, () => _one.Ip!.SendTo(_two.Address, Port, Port, [0]));
        if (!_xen.Machine.Scheduler.RunUntil(() => Volatile.Read(ref arrived), TimeSpan.FromSeconds(5)))
        {
            throw new InvalidOperationException("guest1's first datagram did not reach guest2 within 5 s");
        }
    }

    /// <summary>Waits out <paramref name="span"/> on the host thread, reopening the window if the stream stalls (lost frames).</summary>
    private void Feed(CreditedSender sender, TimeSpan span)
    {
        var clock = Stopwatch.StartNew();
        long lastDelivered = sender.Delivered;
        TimeSpan lastProgress = TimeSpan.Zero;
        while (clock.Elapsed < span)
        {
            _xen.Machine.Scheduler.RunFor(Tick);
            long delivered = sender.Delivered;
            if (delivered != lastDelivered)
            {
                lastDelivered = delivered;
                lastProgress = clock.Elapsed;
            }
            else if (clock.Elapsed - lastProgress >= Stall)
            {
                sender.WriteOffInFlight();
                lastProgress = clock.Elapsed;
            }
        }
    }
}
