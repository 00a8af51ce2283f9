using XvifSim.Emulator.Scheduling;
using XvifSim.Guest;
using XvifSim.Guest.Net;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// `ping -c N` from one stack to an address, one echo request a second, run
/// on the sender's vCPU; prints each reply as ping(8) does and returns how
/// many came back.
/// </summary>
internal static class PingExchange
{
    public static int Run(IScheduler scheduler, GuestKernel kernel, IpStack from, IPv4Address to, int count, ushort identifier, TextWriter output)
    {
        int replies = 0;
        from.PingReply = (source, _, sequence, rtt) =>
        {
            replies++;
            output.WriteLine($"{kernel.Name}: 64 bytes from {source}: icmp_seq={sequence} time={rtt / 1_000_000.0:F3} ms");
        };
        output.WriteLine($"{kernel.Name}: PING {to}: 56 data bytes");
        for (int sequence = 0; sequence < count; sequence++)
        {
            ushort seq = (ushort)sequence;
            kernel.Run(() => from.Ping(to, identifier, seq, 56));
            scheduler.RunFor(TimeSpan.FromSeconds(1));
        }

        scheduler.RunUntil(() => replies >= count, TimeSpan.FromSeconds(2));
        from.PingReply = null;
        output.WriteLine($"{kernel.Name}: --- {to} ping statistics --- {count} packets transmitted, {replies} packets received");
        return replies;
    }
}
