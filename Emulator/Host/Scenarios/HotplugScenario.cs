using XvifSim.Guest.Net;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// xl network-attach and network-detach on a running guest: guest1 boots
/// with no vif; a vif is attached (xennet0 appears, pings both ways work);
/// it is detached (xvif1i0 leaves bridge0 and dom0, xennet0 leaves the
/// guest, nothing is left held, pings fail); it is attached again and the
/// pings work again; then, at MTU 9000, a jumbo UDP datagram from guest1
/// reaches dom0 whole, which needs the feature-sg the re-attached backend
/// offers (xennet reads the backend's features at every connect). The
/// captures of xennet0 and xvif1i0 hold both rounds.
/// </summary>
internal sealed class HotplugScenario : IScenario
{
    public const string VifName = "xvif1i0";

    public string Name => "hotplug";

    public string Purpose => "network-attach a vif to a running guest, ping, network-detach (pings fail), attach again, ping";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(options, Name);
        output.WriteLine($"hotplug: guest1 boots with no vif, {options.SchedulerName} scheduler");
        GuestSystem guest = xen.StartGuest(new GuestConfig("guest1"), IPv4Address.Parse("10.0.0.2"));
        xen.Machine.Scheduler.RunUntil(() => guest.Booted, TimeSpan.FromSeconds(10));

        // What the guest holds without a vif (its store ring's grant, say): a detach must come back to exactly this.
        HashSet<string> withoutVif = [.. xen.Machine.Outstanding()];
        var vif = new VifSpec { Mac = "00:16:3e:12:34:56" };
        for (int round = 1; round <= 2 && failures.Count == 0; round++)
        {
            output.WriteLine($"hotplug: round {round}: xl network-attach guest1 mac={vif.Mac} bridge={vif.Bridge}");
            PingScenario.Expect(failures, VifLifecycle.Attach(xen, guest, vif, 0, output), $"round {round}: network-attach completed");
            if (!xen.WaitConnected(guest, TimeSpan.FromSeconds(10)))
            {
                failures.Add($"round {round}: xennet0 did not connect within 10 s");
                break;
            }

            ushort id = (ushort)(0x4700 + (round << 4));
            int fromGuest = PingExchange.Run(xen.Machine.Scheduler, guest.Kernel, guest.Ip!, SimulatedXen.Dom0Address, PingScenario.Count, (ushort)(id + 1), output);
            int fromDom0 = PingExchange.Run(xen.Machine.Scheduler, xen.Dom0.Kernel, xen.Dom0.Ip, guest.Address, PingScenario.Count, id, output);
            PingScenario.Expect(failures, fromGuest == PingScenario.Count, $"round {round}: guest1 -> dom0: {fromGuest} of {PingScenario.Count} echoes answered");
            PingScenario.Expect(failures, fromDom0 == PingScenario.Count, $"round {round}: dom0 -> guest1: {fromDom0} of {PingScenario.Count} echoes answered");
            if (round == 1)
            {
                Detach(xen, guest, withoutVif, failures, output);
            }
            else
            {
                SendJumbo(xen, guest, failures, output);
            }
        }

        IReadOnlyList<string> held = xen.DestroyGuests(TimeSpan.FromSeconds(5));
        PingScenario.Expect(failures, held.Count == 0, $"after xl destroy nothing is held ({string.Join("; ", held)})");
        xen.Report(output);
        output.WriteLine(failures.Count == 0 ? "hotplug: PASS" : $"hotplug: FAIL: {string.Join("; ", failures)}");
        return new ScenarioResult(failures);
    }

    /// <summary>
    /// ifconfig xennet0 mtu 9000 in guest1 (and on xvif1i0 in dom0), then one
    /// UDP datagram of <see cref="JumboScenario.PayloadLength"/> bytes from
    /// guest1 to dom0: it must leave as a multi-slot chain and arrive whole.
    /// </summary>
    private static void SendJumbo(SimulatedXen xen, GuestSystem guest, List<string> failures, TextWriter output)
    {
        var scheduler = xen.Machine.Scheduler;
        NetworkInterface xennet0 = guest.Xennet0!;
        NetworkInterface vif = xen.Dom0.Kernel.Interfaces.Find(VifName)!;
        VcpuWork.Run(scheduler, guest.Kernel, () => xennet0.Mtu = JumboScenario.Mtu);
        VcpuWork.Run(scheduler, xen.Dom0.Kernel, () => vif.Mtu = JumboScenario.Mtu);
        output.WriteLine($"guest1# ifconfig xennet0 mtu {JumboScenario.Mtu}; dom0# ifconfig {VifName} mtu {JumboScenario.Mtu}");

        int whole = 0;
        VcpuWork.Run(scheduler, xen.Dom0.Kernel, () => xen.Dom0.Ip.Bind(JumboScenario.Port, (_, _, _, payload) =>
        {
            if (payload.Length == JumboScenario.PayloadLength && JumboScenario.IsPattern(payload))
            {
                Volatile.Write(ref whole, whole + 1);
            }
        }));
        IpOutputStatus sent = VcpuWork.Get(scheduler, guest.Kernel, () =>
            guest.Ip!.SendTo(SimulatedXen.Dom0Address, JumboScenario.Port, JumboScenario.Port, JumboScenario.Pattern()));
        scheduler.RunUntil(() => Volatile.Read(ref whole) > 0, TimeSpan.FromSeconds(2));
        output.WriteLine($"guest1: UDP datagram of {JumboScenario.PayloadLength} bytes to {SimulatedXen.Dom0Address}:{JumboScenario.Port}: {sent}; dom0 received {whole} whole");
        PingScenario.Expect(failures, sent == IpOutputStatus.Sent && whole == 1,
            $"after the re-attach a {JumboScenario.PayloadLength}-byte datagram from guest1 reaches dom0 whole ({sent}, {whole} of 1)");
    }

    /// <summary>network-detach, then what must be true: both interfaces gone, nothing held for the vif, no ping answered.</summary>
    private static void Detach(SimulatedXen xen, GuestSystem guest, HashSet<string> withoutVif, List<string> failures, TextWriter output)
    {
        output.WriteLine("hotplug: xl network-detach guest1 0");
        PingScenario.Expect(failures, VifLifecycle.Detach(xen, guest, 0, VifName, output), "network-detach: both ends closed and detached within 10 s");
        PingScenario.Expect(failures, xen.Dom0.Kernel.Interfaces.Find(VifName) is null, $"{VifName} is gone from dom0");
        PingScenario.Expect(failures, xen.Dom0.Bridge.Members.All(m => m.Name != VifName), $"{VifName} is gone from bridge0");
        PingScenario.Expect(failures, guest.Xennet0 is null && guest.Ip is null, "xennet0 and its address are gone from guest1");
        List<string> held = [.. xen.Machine.Outstanding().Where(o => !withoutVif.Contains(o))];
        PingScenario.Expect(failures, held.Count == 0, $"after network-detach nothing is held for the vif ({string.Join("; ", held)})");

        output.WriteLine("guest1: ping 10.0.0.1: sendto: No route to host (no xennet0)");
        int answered = PingExchange.Run(xen.Machine.Scheduler, xen.Dom0.Kernel, xen.Dom0.Ip, guest.Address, 2, 0x4780, output);
        PingScenario.Expect(failures, answered == 0, $"with the vif detached, dom0 -> guest1: {answered} echoes answered (expected none)");
    }
}
