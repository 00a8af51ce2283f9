using XvifSim.Frontend;
using XvifSim.Guest.Net;
using XvifSim.Host.Systems;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// 9000-byte IP datagrams between two guests: with MTU 9000 on both xennet0s
/// and both xvifs, a 9014-byte frame spans three 4096-byte pages, so xennet
/// sends it as a multi-slot TX chain (feature-sg, slot 0 carrying the whole
/// size) and the backend delivers it as a multi-slot RX chain that xennet
/// reassembles. Before the MTU is raised the same ping is refused as too large.
/// </summary>
internal sealed class JumboScenario : IScenario
{
    public const int Mtu = 9000;

    /// <summary>IP (20) + ICMP or UDP header (8) + this = the MTU.</summary>
    public const int PayloadLength = Mtu - IPv4Header.MinLength - 8;

    public const int FrameLength = EthernetFrame.HeaderLength + Mtu;

    public const ushort Port = 9000;

    public string Name => "jumbo";

    public string Purpose => "MTU 9000: 9014-byte ICMP and UDP frames cross as multi-slot ring chains";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(options, Name);
        output.WriteLine($"jumbo: guest1 and guest2 with MTU {Mtu}, {options.SchedulerName} scheduler");
        if (GuestPair.Start(xen, failures) is (GuestSystem one, GuestSystem two))
        {
            Check(xen, one, two, failures, output);
        }

        return ScenarioEnd.Finish(xen, Name, failures, output);
    }

    private static void Check(SimulatedXen xen, GuestSystem one, GuestSystem two, List<string> failures, TextWriter output)
    {
        var scheduler = xen.Machine.Scheduler;
        IpOutputStatus refused = VcpuWork.Get(scheduler, one.Kernel, () => one.Ip!.Ping(two.Address, 0x9001, 0, PayloadLength));
        output.WriteLine($"guest1: ping -s {PayloadLength} {two.Address} at MTU 1500: {refused}");
        PingScenario.Expect(failures, refused == IpOutputStatus.TooLarge, $"at MTU 1500 a {Mtu}-byte datagram is refused as too large ({refused})");

        // ifconfig xennet0 mtu 9000 in each guest, and on the xvifs in dom0 (NetBSD's vif-bridge leaves that to the administrator).
        foreach (GuestSystem guest in new[] { one, two })
        {
            VcpuWork.Run(scheduler, guest.Kernel, () => guest.Xennet0!.Mtu = Mtu);
            NetworkInterface vif = xen.Dom0.Kernel.Interfaces.Find($"xvif{guest.Kernel.DomId.Value}i0")!;
            VcpuWork.Run(scheduler, xen.Dom0.Kernel, () => vif.Mtu = Mtu);
            output.WriteLine($"{guest.Name}# ifconfig xennet0 mtu {Mtu}; dom0# ifconfig {vif.Name} mtu {Mtu}");
        }

        int pings = Ping(xen, one, two, 2, output);
        PingScenario.Expect(failures, pings == 2, $"guest1 -> guest2: {pings} of 2 jumbo echoes answered");

        int datagrams = 0;
        VcpuWork.Run(scheduler, two.Kernel, () => two.Ip!.Bind(Port, (_, _, _, payload) =>
        {
            if (payload.Length == PayloadLength && IsPattern(payload))
            {
                Volatile.Write(ref datagrams, datagrams + 1);
            }
        }));
        one.Kernel.Run(() => one.Ip!.SendTo(two.Address, Port, Port, Pattern()));
        scheduler.RunUntil(() => Volatile.Read(ref datagrams) > 0, TimeSpan.FromSeconds(2));
        output.WriteLine($"guest2: {datagrams} UDP datagram of {PayloadLength} bytes on port {Port}");
        PingScenario.Expect(failures, datagrams == 1, $"guest2 received the {PayloadLength}-byte UDP datagram whole ({datagrams} of 1)");

        XennetStatistics sent = Statistics(xen, one);
        XennetStatistics received = Statistics(xen, two);
        output.WriteLine($"guest1 xennet0: {sent}");
        output.WriteLine($"guest2 xennet0: {received}");
        // Two echo requests and the datagram leave guest1 as chains; the two replies come back as chains.
        PingScenario.Expect(failures, sent.TxMultiSegment == 3 && sent.RxMultiSegment == 2,
            $"guest1's xennet0 sent 3 and received 2 multi-slot chains (tx {sent.TxMultiSegment}, rx {sent.RxMultiSegment})");
        PingScenario.Expect(failures, received.RxMultiSegment == 3 && received.TxMultiSegment == 2,
            $"guest2's xennet0 received 3 and sent 2 multi-slot chains (rx {received.RxMultiSegment}, tx {received.TxMultiSegment})");
        PingScenario.Expect(failures, sent.TxDropped == 0 && received.TxDropped == 0, "no TX drops in either xennet");
    }

    /// <summary>A datagram's payload of <see cref="PayloadLength"/> bytes, each its offset (mod 256).</summary>
    internal static byte[] Pattern()
    {
        byte[] payload = new byte[PayloadLength];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)i;
        }

        return payload;
    }

    /// <summary>True if each byte is its offset (mod 256), as <see cref="Pattern"/> writes it.</summary>
    internal static bool IsPattern(ReadOnlySpan<byte> payload)
    {
        for (int i = 0; i < payload.Length; i++)
        {
            if (payload[i] != (byte)i)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>`ping -s 8972 -c N`: echo requests that fill the MTU, one a second; returns how many were answered whole.</summary>
    private static int Ping(SimulatedXen xen, GuestSystem from, GuestSystem to, int count, TextWriter output)
    {
        int replies = 0;
        from.Ip!.PingReply = (source, identifier, sequence, _) =>
        {
            if (source == to.Address && identifier == 0x9002)
            {
                Volatile.Write(ref replies, replies + 1);
                output.WriteLine($"{from.Name}: {FrameLength - EthernetFrame.HeaderLength - IPv4Header.MinLength} bytes from {source}: icmp_seq={sequence}");
            }
        };
        output.WriteLine($"{from.Name}: PING {to.Address}: {PayloadLength} data bytes");
        for (int sequence = 0; sequence < count; sequence++)
        {
            ushort seq = (ushort)sequence;
            from.Kernel.Run(() => from.Ip.Ping(to.Address, 0x9002, seq, PayloadLength));
            xen.Machine.Scheduler.RunFor(TimeSpan.FromSeconds(1));
        }

        xen.Machine.Scheduler.RunUntil(() => Volatile.Read(ref replies) >= count, TimeSpan.FromSeconds(2));
        from.Ip.PingReply = null;
        return replies;
    }

    /// <summary>The xennet0 driver's counters, copied on the guest's vCPU.</summary>
    private static XennetStatistics Statistics(SimulatedXen xen, GuestSystem guest) =>
        VcpuWork.Get(xen.Machine.Scheduler, guest.Kernel, () =>
        {
            XennetStatistics live = guest.Xennet.Find("xennet0")!.Statistics;
            return new XennetStatistics
            {
                TxMultiSegment = live.TxMultiSegment,
                TxDropped = live.TxDropped,
                TxQueueFull = live.TxQueueFull,
                RxMultiSegment = live.RxMultiSegment,
                RxCsumBlank = live.RxCsumBlank,
                RxRejected = live.RxRejected,
            };
        });
}
