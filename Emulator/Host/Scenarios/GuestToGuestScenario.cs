using XvifSim.Guest.Net;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// Two guests on bridge0 reach each other through dom0: pings both ways, then
/// guest1 sends UDP datagrams to guest2's echo port and gets each one back.
/// </summary>
internal sealed class GuestToGuestScenario : IScenario
{
    public const int Datagrams = 10;
    private const ushort ReplyPort = 40000;

    public string Name => "guest-to-guest";

    public string Purpose => "two guests ping and exchange UDP through the bridge";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(options, Name);
        output.WriteLine($"guest-to-guest: guest1 and guest2 on bridge0, {options.SchedulerName} scheduler");
        GuestSystem one = xen.StartGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = "00:16:3e:00:01:01" }] }, IPv4Address.Parse("10.0.0.2"));
        GuestSystem two = xen.StartGuest(new GuestConfig("guest2") { Vifs = [new VifSpec { Mac = "00:16:3e:00:02:01" }] }, IPv4Address.Parse("10.0.0.3"));
        if (!xen.WaitConnected(one, TimeSpan.FromSeconds(10)) || !xen.WaitConnected(two, TimeSpan.FromSeconds(10)))
        {
            failures.Add("a guest's xennet0 did not connect within 10 s");
        }
        else
        {
            int oneToTwo = PingExchange.Run(xen.Machine.Scheduler, one.Kernel, one.Ip!, two.Address, PingScenario.Count, 0x4701, output);
            int twoToOne = PingExchange.Run(xen.Machine.Scheduler, two.Kernel, two.Ip!, one.Address, PingScenario.Count, 0x4702, output);
            PingScenario.Expect(failures, oneToTwo == PingScenario.Count, $"guest1 -> guest2: {oneToTwo} of {PingScenario.Count} echoes answered");
            PingScenario.Expect(failures, twoToOne == PingScenario.Count, $"guest2 -> guest1: {twoToOne} of {PingScenario.Count} echoes answered");
            int echoed = UdpEcho(xen, one, two, output);
            PingScenario.Expect(failures, echoed == Datagrams, $"UDP: {echoed} of {Datagrams} datagrams echoed");
        }

        IReadOnlyList<string> held = xen.DestroyGuests(TimeSpan.FromSeconds(5));
        PingScenario.Expect(failures, held.Count == 0, $"after xl destroy nothing is held ({string.Join("; ", held)})");
        xen.Report(output);
        output.WriteLine(failures.Count == 0 ? "guest-to-guest: PASS" : $"guest-to-guest: FAIL: {string.Join("; ", failures)}");
        return new ScenarioResult(failures);
    }

    /// <summary>guest2 runs the UDP echo service; guest1 sends numbered datagrams and counts the ones that come back intact.</summary>
    private static int UdpEcho(SimulatedXen xen, GuestSystem from, GuestSystem to, TextWriter output)
    {
        int echoed = 0;
        to.Kernel.Run(() => to.Ip!.EnableUdpEcho());
        from.Kernel.Run(() => from.Ip!.Bind(ReplyPort, (source, sourcePort, _, payload) =>
        {
            if (source == to.Address && sourcePort == IpStack.EchoPort && payload.Length == 64 && payload[0] == (byte)echoed)
            {
                echoed++;
            }
        }));
        for (int i = 0; i < Datagrams; i++)
        {
            byte mark = (byte)i;
            from.Kernel.Run(() =>
            {
                Span<byte> payload = stackalloc byte[64];
                payload.Fill(mark);
                from.Ip!.SendTo(to.Address, IpStack.EchoPort, ReplyPort, payload);
            });
            xen.Machine.Scheduler.RunUntil(() => echoed > i, TimeSpan.FromSeconds(1));
        }

        output.WriteLine($"{from.Name}: {echoed} of {Datagrams} UDP datagrams to {to.Address}:{IpStack.EchoPort} came back");
        return echoed;
    }
}
