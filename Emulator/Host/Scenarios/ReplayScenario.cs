using SharpPcap;
using SharpPcap.LibPcap;
using XvifSim.Guest.Net;
using XvifSim.Host.Systems;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// Frames from a pcap file, read with SharpPcap, sent raw from guest1's
/// xennet0 as if its stack had built them. Without an input file the
/// scenario writes <see cref="ReplayInput"/>'s (ARP, ICMP echo, UDP echo to
/// guest2) and checks guest2 answers each; with one, it checks every frame
/// went out and every frame for guest2 (its MAC or broadcast) arrived.
/// </summary>
internal sealed class ReplayScenario(string? inputPath = null) : IScenario
{
    public const string InputFileName = "input.pcap";

    public string Name => "replay";

    public string Purpose => "frames read from a pcap file with SharpPcap are sent from guest1 and reach guest2";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(options, Name);
        string? scratch = null;
        string input = inputPath ?? (xen.Captures is { } captures
            ? Path.Combine(captures.Directory, InputFileName)
            : scratch = Path.Combine(Path.GetTempPath(), $"xvifsim-replay-{Environment.ProcessId}-{options.Seed}.pcap"));
        if (inputPath is null)
        {
            ReplayInput.Write(input, GuestPair.OneMac, GuestPair.OneAddress, GuestPair.TwoMac, GuestPair.TwoAddress);
        }

        output.WriteLine($"replay: {input} from guest1's xennet0, {options.SchedulerName} scheduler");
        try
        {
            List<byte[]> frames = Read(input, failures);
            if (failures.Count == 0 && GuestPair.Start(xen, failures) is (GuestSystem one, GuestSystem two))
            {
                Replay(xen, one, two, frames, generated: inputPath is null, failures, output);
            }
        }
        finally
        {
            if (scratch is not null)
            {
                File.Delete(scratch);
            }
        }

        return ScenarioEnd.Finish(xen, Name, failures, output);
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be replayed, or null when it can: it
    /// must open as a pcap (or pcapng) file with SharpPcap and carry Ethernet
    /// frames. Checked before anything boots, so a bad file is the user's
    /// input error, not a failed run.
    /// </summary>
    public static string? CheckInput(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return $"{path}: no such file";
        }

        try
        {
            using var reader = new CaptureFileReaderDevice(path);
            reader.Open();
            return reader.LinkType == PacketDotNet.LinkLayers.Ethernet ? null : $"{path}: link type {reader.LinkType}, not Ethernet";
        }
        catch (Exception e) when (e is PcapException or IOException or UnauthorizedAccessException)
        {
            return $"{path}: not a pcap file SharpPcap can read ({e.Message.Trim()})";
        }
    }

    /// <summary>Every frame of an Ethernet pcap, as SharpPcap reads it.</summary>
    private static List<byte[]> Read(string path, List<string> failures)
    {
        var frames = new List<byte[]>();
        using var reader = new CaptureFileReaderDevice(path);
        reader.Open();
        if (reader.LinkType != PacketDotNet.LinkLayers.Ethernet)
        {
            failures.Add($"{path}: link type {reader.LinkType}, not Ethernet");
            return frames;
        }

        while (reader.GetNextPacket(out PacketCapture capture) == GetPacketStatus.PacketRead)
        {
            frames.Add(capture.GetPacket().Data);
        }

        return frames;
    }

    private static void Replay(SimulatedXen xen, GuestSystem one, GuestSystem two, List<byte[]> frames, bool generated, List<string> failures, TextWriter output)
    {
        var scheduler = xen.Machine.Scheduler;
        int echoes = 0;
        int udpEchoes = 0;
        VcpuWork.Run(scheduler, two.Kernel, () => two.Ip!.EnableUdpEcho());
        VcpuWork.Run(scheduler, one.Kernel, () => one.Ip!.Bind(ReplayInput.UdpSourcePort, (source, _, _, payload) =>
        {
            if (source == two.Address && payload.SequenceEqual(ReplayInput.UdpPayload))
            {
                Volatile.Write(ref udpEchoes, udpEchoes + 1);
            }
        }));
        one.Ip!.PingReply = (source, identifier, _, _) =>
        {
            if (source == two.Address && identifier == ReplayInput.EchoIdentifier)
            {
                Volatile.Write(ref echoes, echoes + 1);
            }
        };

        MacAddress twoMac = two.Xennet0!.Mac;
        int forTwo = frames.Count(f => f.Length >= EthernetFrame.HeaderLength && EthernetFrame.Destination(f) is var d && (d == twoMac || d == MacAddress.Broadcast));
        long outBefore = VcpuWork.Get(scheduler, one.Kernel, () => one.Xennet0!.Counters.OutPackets);
        long inBefore = VcpuWork.Get(scheduler, two.Kernel, () => two.Xennet0.Counters.InPackets);
        int accepted = 0;
        foreach (byte[] frame in frames)
        {
            // As a raw socket would: straight onto the interface, past guest1's own stack.
            VcpuWork.Run(scheduler, one.Kernel, () => accepted += one.Xennet0!.Send(frame) ? 1 : 0);
            scheduler.RunFor(TimeSpan.FromMilliseconds(1));
        }

        scheduler.RunFor(TimeSpan.FromMilliseconds(50));
        long sent = VcpuWork.Get(scheduler, one.Kernel, () => one.Xennet0!.Counters.OutPackets) - outBefore;
        long arrived = VcpuWork.Get(scheduler, two.Kernel, () => two.Xennet0.Counters.InPackets) - inBefore;
        output.WriteLine($"guest1: replayed {accepted} of {frames.Count} frames ({sent} counted out on xennet0); guest2: {arrived} arrived of {forTwo} addressed to it");
        PingScenario.Expect(failures, frames.Count > 0, "the input has frames");
        PingScenario.Expect(failures, accepted == frames.Count && sent == frames.Count, $"xennet0 took every frame ({accepted} of {frames.Count})");
        PingScenario.Expect(failures, arrived == forTwo, $"every frame for guest2 arrived ({arrived} of {forTwo})");
        if (generated)
        {
            scheduler.RunUntil(() => Volatile.Read(ref echoes) > 0 && Volatile.Read(ref udpEchoes) > 0, TimeSpan.FromSeconds(1));
            IpStackCounters counters = VcpuWork.Get(scheduler, two.Kernel, () => two.Ip!.Counters);
            output.WriteLine($"guest2: {counters.ArpRequestsReceived} ARP requests, {counters.IcmpEchoRequestsReceived} echo requests, {counters.UdpReceived} UDP datagrams received; guest1: {echoes} echo replies, {udpEchoes} UDP echoes back");
            PingScenario.Expect(failures, counters.ArpRequestsReceived == 1 && counters.ArpRepliesSent == 1, "guest2 answered the replayed who-has");
            PingScenario.Expect(failures, echoes == 1, $"guest2 answered the replayed echo request ({echoes} replies)");
            PingScenario.Expect(failures, udpEchoes == 1, $"guest2 echoed the replayed UDP datagram ({udpEchoes} echoes)");
        }

        one.Ip.PingReply = null;
    }
}
