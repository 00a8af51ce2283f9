using XvifSim.Guest.Net;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Cli;

/// <summary>
/// The run behind `xvifsim up`, in four steps a terminal shows as progress:
/// boot (dom0 with bridge0, then each guest as xl create does), connect
/// (each networked guest's xennet0 reaches Connected with its address),
/// traffic, and destroy (xl destroy, nothing left held, then the kernel logs
/// and the interface table). Captures go to &lt;out&gt;/up/.
/// </summary>
internal static class UpSession
{
    public const string Ping = "ping";
    public const string Udp = "udp";
    public const string None = "none";

    /// <summary>The folder under --out the captures go to.</summary>
    public const string CaptureFolder = "up";

    /// <summary>Echoes per ping and datagrams per UDP exchange: enough to see ARP resolve and the rest go straight through.</summary>
    private const int Count = 3;

    private const string Boot = "boot", Connect = "connect", Traffic = "traffic", Destroy = "destroy";

    public static int Run(IReadOnlyList<PlannedGuest> guests, string traffic, ScenarioOptions options)
    {
        var failures = new List<string>();
        TerminalProgress.Run("up", 4, progress =>
        {
            TextWriter output = progress.Output;
            progress.Begin(Boot);
            using var xen = new SimulatedXen(options, CaptureFolder);
            output.WriteLine($"up: dom0 (bridge0 {SimulatedXen.Dom0Address}) and {guests.Count} guest{(guests.Count == 1 ? "" : "s")} on the {options.SchedulerName} scheduler");
            var networked = new List<(PlannedGuest Plan, GuestSystem System)>();
            foreach (PlannedGuest guest in guests)
            {
                // A guest without a vif is booted all the same, as xl would; it has no address to use.
                GuestSystem system = xen.StartGuest(guest.Config, guest.Address ?? IPv4Address.Any);
                output.WriteLine($"up: {guest.File}: {guest.Config.Name} is domain {system.Kernel.DomId.Value}, " +
                    (guest.Address is IPv4Address address ? $"xennet0 {address}" : "no vif: not on the network"));
                if (guest.Address is not null)
                {
                    networked.Add((guest, system));
                }
            }

            progress.Begin(Connect);
            var connected = new List<GuestSystem>();
            foreach ((PlannedGuest plan, GuestSystem system) in networked)
            {
                if (xen.WaitConnected(system, TimeSpan.FromSeconds(10)))
                {
                    connected.Add(system);
                    output.WriteLine($"up: {system.Name}: xennet0 connected, {system.Address}");
                }
                else
                {
                    failures.Add($"{system.Name} ({plan.File}): xennet0 did not connect within 10 s");
                }
            }

            progress.Begin(Traffic);
            RunTraffic(xen, connected, traffic, failures, output);

            progress.Begin(Destroy);
            IReadOnlyList<string> held = xen.DestroyGuests(TimeSpan.FromSeconds(5));
            if (held.Count > 0)
            {
                failures.Add($"after xl destroy something is still held ({string.Join("; ", held)})");
            }

            xen.Report(output);
            output.WriteLine(failures.Count == 0 ? "up: PASS" : $"up: FAIL: {string.Join("; ", failures)}");
            progress.End();
            return failures.Count;
        });
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>Every connected guest to dom0 and to each other connected guest, by ping or UDP echo.</summary>
    private static void RunTraffic(SimulatedXen xen, List<GuestSystem> guests, string traffic, List<string> failures, TextWriter output)
    {
        if (traffic == None)
        {
            output.WriteLine("up: --traffic none: the guests are connected and left idle");
            return;
        }

        if (traffic == Udp)
        {
            xen.Dom0.Kernel.Run(() => xen.Dom0.Ip.EnableUdpEcho());
            foreach (GuestSystem guest in guests)
            {
                guest.Kernel.Run(() => guest.Ip!.EnableUdpEcho());
            }
        }

        // Ping identifiers and UDP reply ports differ per pair, so one exchange's late answers cannot count for the next.
        ushort pair = 0;
        foreach (GuestSystem from in guests)
        {
            IEnumerable<(string Name, IPv4Address Address)> peers =
                guests.Where(g => g != from).Select(g => (g.Name, g.Address)).Prepend(("dom0", SimulatedXen.Dom0Address));
            foreach ((string name, IPv4Address to) in peers)
            {
                pair++;
                int answered = traffic == Ping
                    ? PingExchange.Run(xen.Machine.Scheduler, from.Kernel, from.Ip!, to, Count, (ushort)(0x4700 + pair), output)
                    : UdpEchoExchange.Run(xen.Machine.Scheduler, from.Kernel, from.Ip!, to, Count, (ushort)(40000 + pair), output);
                if (answered != Count)
                {
                    failures.Add($"{from.Name} -> {name}: {answered} of {Count} {(traffic == Ping ? "echoes" : "datagrams")} answered");
                }
            }
        }
    }
}
