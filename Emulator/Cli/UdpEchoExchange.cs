using XvifSim.Emulator.Scheduling;
using XvifSim.Guest;
using XvifSim.Guest.Net;

namespace XvifSim.Cli;

/// <summary>
/// A short exchange with a UDP echo service (RFC 862): numbered datagrams to
/// the peer's echo port, one at a time, each given a second to come back, run
/// on the sender's vCPU; returns how many came back intact.
/// </summary>
internal static class UdpEchoExchange
{
    private const int PayloadBytes = 64;

    public static int Run(IScheduler scheduler, GuestKernel kernel, IpStack from, IPv4Address to, int count, ushort replyPort, TextWriter output)
    {
        int echoed = 0;

        // Each datagram is filled with its number, so a late or duplicated echo is not counted for the next one.
        kernel.Run(() => from.Bind(replyPort, (source, sourcePort, _, payload) =>
        {
            if (source == to && sourcePort == IpStack.EchoPort && payload.Length == PayloadBytes && payload[0] == (byte)echoed)
            {
                echoed++;
            }
        }));
        for (int i = 0; i < count; i++)
        {
            byte mark = (byte)i;
            kernel.Run(() =>
            {
                Span<byte> payload = stackalloc byte[PayloadBytes];
                payload.Fill(mark);
                from.SendTo(to, IpStack.EchoPort, replyPort, payload);
            });
            scheduler.RunUntil(() => echoed > i, TimeSpan.FromSeconds(1));
        }

        // The port is free again for the next exchange from this stack.
        kernel.Run(() => from.Unbind(replyPort));
        output.WriteLine($"{kernel.Name}: {echoed} of {count} UDP datagrams to {to}:{IpStack.EchoPort} came back");
        return echoed;
    }
}
