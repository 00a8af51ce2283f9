using XvifSim.Guest.Net;
using XvifSim.Host.Systems;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// ARP made visible: guest1 pings guest2 with both caches empty, so the first
/// echo waits in guest1's ARP hold while a broadcast who-has crosses
/// xvif1i0, the bridge and xvif2i0 and guest2's reply comes back; the second
/// ping finds the entry cached and asks nothing.
/// </summary>
internal sealed class ArpScenario : IScenario
{
    private const ushort Identifier = 0x4a01;

    public string Name => "arp";

    public string Purpose => "guest1 pings guest2 with an empty ARP cache: who-has, is-at, then a cache hit";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(options, Name);
        output.WriteLine($"arp: guest1 and guest2 on bridge0, {options.SchedulerName} scheduler");
        if (GuestPair.Start(xen, failures) is (GuestSystem one, GuestSystem two))
        {
            Check(xen, one, two, failures, output);
        }

        return ScenarioEnd.Finish(xen, Name, failures, output);
    }

    private static void Check(SimulatedXen xen, GuestSystem one, GuestSystem two, List<string> failures, TextWriter output)
    {
        IpStack oneIp = one.Ip!;
        IpStack twoIp = two.Ip!;
        PrintCaches(xen, [one, two], output);
        PingScenario.Expect(failures, Snapshot(xen, one, () => oneIp.ArpEntryCount) == 0 && Snapshot(xen, two, () => twoIp.ArpEntryCount) == 0,
            "both ARP caches are empty before the first ping");

        int first = PingExchange.Run(xen.Machine.Scheduler, one.Kernel, oneIp, two.Address, 1, Identifier, output);
        long requests = Snapshot(xen, one, () => oneIp.Counters.ArpRequestsSent);
        long replies = Snapshot(xen, one, () => oneIp.Counters.ArpRepliesReceived);
        long asked = Snapshot(xen, two, () => twoIp.Counters.ArpRequestsReceived);
        long answered = Snapshot(xen, two, () => twoIp.Counters.ArpRepliesSent);
        PrintCaches(xen, [one, two], output);
        PingScenario.Expect(failures, first == 1, $"the first echo was answered ({first} of 1)");
        PingScenario.Expect(failures, requests == 1 && asked == 1, $"guest1 sent one who-has and guest2 got it (sent {requests}, received {asked})");
        PingScenario.Expect(failures, answered == 1 && replies == 1, $"guest2 sent one is-at and guest1 got it (sent {answered}, received {replies})");
        PingScenario.Expect(failures, Cached(xen, one, two.Address) == two.Xennet0!.Mac, $"guest1 caches {two.Address} at {two.Xennet0.Mac}");
        // guest2 learnt guest1 from the request it was the target of (RFC 826), so it never asks.
        PingScenario.Expect(failures, Cached(xen, two, one.Address) == one.Xennet0!.Mac, $"guest2 caches {one.Address} at {one.Xennet0.Mac} from the request");
        PingScenario.Expect(failures, Snapshot(xen, two, () => twoIp.Counters.ArpRequestsSent) == 0, "guest2 sent no who-has of its own");

        int second = PingExchange.Run(xen.Machine.Scheduler, one.Kernel, oneIp, two.Address, 1, Identifier, output);
        long after = Snapshot(xen, one, () => oneIp.Counters.ArpRequestsSent);
        PingScenario.Expect(failures, second == 1, $"the second echo was answered ({second} of 1)");
        PingScenario.Expect(failures, after == requests, $"the second ping used the cache: no new who-has ({after - requests} sent)");
    }

    private static long Snapshot(SimulatedXen xen, GuestSystem guest, Func<long> read) =>
        VcpuWork.Get(xen.Machine.Scheduler, guest.Kernel, read);

    private static MacAddress? Cached(SimulatedXen xen, GuestSystem guest, IPv4Address address) =>
        VcpuWork.Get<MacAddress?>(xen.Machine.Scheduler, guest.Kernel, () => guest.Ip!.TryGetArpEntry(address, out MacAddress mac) ? mac : null);

    /// <summary>Each guest's cache as `arp -an` prints it, for the addresses this network has (dom0 and both guests).</summary>
    private static void PrintCaches(SimulatedXen xen, GuestSystem[] guests, TextWriter output)
    {
        foreach (GuestSystem guest in guests)
        {
            output.WriteLine($"{guest.Name}# arp -an");
            int shown = 0;
            foreach (IPv4Address address in new[] { SimulatedXen.Dom0Address }.Concat(guests.Select(g => g.Address)))
            {
                if (Cached(xen, guest, address) is MacAddress mac)
                {
                    output.WriteLine($"? ({address}) at {mac} on xennet0");
                    shown++;
                }
            }

            if (shown == 0)
            {
                output.WriteLine("(no entries)");
            }
        }
    }
}
