using System.Buffers.Binary;
using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Host.Systems;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// A steady UDP stream from guest1 to guest2 whose every hop must account
/// for every frame: what guest1's xennet0 sent, xvif1i0 received, the bridge
/// forwarded onto xvif2i0 and guest2's xennet0 received, packets and bytes,
/// with no drops or errors, and guest2's UDP saw each datagram once, in order.
/// </summary>
internal sealed class UdpStreamScenario : IScenario
{
    public const int Datagrams = 500;
    public const int PayloadLength = 1000;
    public const ushort Port = 5001;

    /// <summary>
    /// Datagrams sent back to back before waiting for guest2 to catch up:
    /// well under the 256-slot TX ring and the RX buffers xennet keeps posted,
    /// so pacing, not ring space, sets the rate and nothing is dropped.
    /// </summary>
    public const int Burst = 25;

    /// <summary>Ethernet (14) + IPv4 (20) + UDP (8) around the payload.</summary>
    public const int FrameLength = EthernetFrame.HeaderLength + IPv4Header.MinLength + UdpHeader.Length + PayloadLength;

    public string Name => "udp-stream";

    public string Purpose => $"guest1 streams {Datagrams} UDP datagrams to guest2; every interface's counters reconcile";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(options, Name);
        output.WriteLine($"udp-stream: guest1 -> guest2:{Port}, {Datagrams} x {PayloadLength} bytes, {options.SchedulerName} scheduler");
        if (GuestPair.Start(xen, failures) is (GuestSystem one, GuestSystem two))
        {
            Stream(xen, one, two, failures, output);
        }

        return ScenarioEnd.Finish(xen, Name, failures, output);
    }

    private static void Stream(SimulatedXen xen, GuestSystem one, GuestSystem two, List<string> failures, TextWriter output)
    {
        // Resolve ARP both ways first, so the stream's counters hold the stream alone.
        int warm = PingExchange.Run(xen.Machine.Scheduler, one.Kernel, one.Ip!, two.Address, 1, 0x5501, output);
        PingScenario.Expect(failures, warm == 1, "the warm-up ping was answered");

        int received = 0;
        int outOfOrder = 0;
        VcpuWork.Run(xen.Machine.Scheduler, two.Kernel, () => two.Ip!.Bind(Port, (_, _, _, payload) =>
        {
            if (payload.Length != PayloadLength || BinaryPrimitives.ReadInt32BigEndian(payload) != received)
            {
                outOfOrder++;
            }

            Volatile.Write(ref received, received + 1);
        }));

        (GuestKernel Kernel, NetworkInterface Iface)[] path =
            [(one.Kernel, one.Xennet0!), (xen.Dom0.Kernel, Vif(xen, one)), (xen.Dom0.Kernel, Vif(xen, two)), (two.Kernel, two.Xennet0!)];
        InterfaceCounters[] before = [.. path.Select(hop => Copy(xen, hop))];
        long udpBefore = VcpuWork.Get(xen.Machine.Scheduler, two.Kernel, () => two.Ip!.Counters.UdpReceived);

        int sent = 0;
        while (sent < Datagrams)
        {
            int start = sent;
            int count = Math.Min(Burst, Datagrams - sent);
            one.Kernel.Run(() =>
            {
                Span<byte> payload = stackalloc byte[PayloadLength];
                for (int i = start; i < start + count; i++)
                {
                    payload.Fill((byte)i);
                    BinaryPrimitives.WriteInt32BigEndian(payload, i);
                    one.Ip!.SendTo(two.Address, Port, Port, payload);
                }
            });
            sent += count;
            if (!xen.Machine.Scheduler.RunUntil(() => Volatile.Read(ref received) >= sent, TimeSpan.FromSeconds(2)))
            {
                break;
            }
        }

        xen.Machine.Scheduler.RunFor(TimeSpan.FromMilliseconds(10));
        InterfaceCounters[] delta = [.. path.Select((hop, i) => Minus(Copy(xen, hop), before[i]))];
        long udp = VcpuWork.Get(xen.Machine.Scheduler, two.Kernel, () => two.Ip!.Counters.UdpReceived) - udpBefore;
        output.WriteLine($"guest1: sent {sent} datagrams; guest2: received {received}, {outOfOrder} out of order or damaged");
        output.WriteLine($"{"hop",-16} {"packets",8} {"bytes",10}");
        (string Hop, long Packets, long Bytes)[] hops =
        [
            ("guest1/xennet0 out", delta[0].OutPackets, delta[0].OutBytes),
            ("dom0/xvif1i0 in", delta[1].InPackets, delta[1].InBytes),
            ("dom0/xvif2i0 out", delta[2].OutPackets, delta[2].OutBytes),
            ("guest2/xennet0 in", delta[3].InPackets, delta[3].InBytes),
        ];
        foreach ((string hop, long packets, long bytes) in hops)
        {
            output.WriteLine($"{hop,-20} {packets,8} {bytes,10}");
            PingScenario.Expect(failures, packets == Datagrams && bytes == (long)Datagrams * FrameLength,
                $"{hop}: {packets} frames, {bytes} bytes (expected {Datagrams}, {(long)Datagrams * FrameLength})");
        }

        for (int i = 0; i < path.Length; i++)
        {
            InterfaceCounters d = delta[i];
            long bad = d.InErrors + d.InDrops + d.OutErrors + d.OutDrops;
            PingScenario.Expect(failures, bad == 0, $"{path[i].Iface.Name}: no errors or drops during the stream ({d})");
        }

        PingScenario.Expect(failures, udp == Datagrams, $"guest2's UDP received {udp} of {Datagrams}");
        PingScenario.Expect(failures, received == Datagrams && outOfOrder == 0, $"port {Port} got {received} of {Datagrams}, {outOfOrder} out of order or damaged");
    }

    private static NetworkInterface Vif(SimulatedXen xen, GuestSystem guest) =>
        xen.Dom0.Kernel.Interfaces.Find($"xvif{guest.Kernel.DomId.Value}i0")!;

    /// <summary>A copy of the interface's counters, taken on its own vCPU.</summary>
    private static InterfaceCounters Copy(SimulatedXen xen, (GuestKernel Kernel, NetworkInterface Iface) hop) =>
        VcpuWork.Get(xen.Machine.Scheduler, hop.Kernel, () => Minus(hop.Iface.Counters, new InterfaceCounters()));

    private static InterfaceCounters Minus(InterfaceCounters a, InterfaceCounters b) => new()
    {
        InPackets = a.InPackets - b.InPackets,
        InBytes = a.InBytes - b.InBytes,
        InErrors = a.InErrors - b.InErrors,
        InDrops = a.InDrops - b.InDrops,
        OutPackets = a.OutPackets - b.OutPackets,
        OutBytes = a.OutBytes - b.OutBytes,
        OutErrors = a.OutErrors - b.OutErrors,
        OutDrops = a.OutDrops - b.OutDrops,
    };
}
