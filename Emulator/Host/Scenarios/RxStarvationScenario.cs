using XvifSim.Backend;
using XvifSim.Frontend;
using XvifSim.Guest.Net;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// A guest stops posting RX buffers (xennet's fault-injection hook) while
/// dom0 sends it a burst of UDP datagrams without waiting: the buffers
/// already posted fill, xvif1i0 queues 512 frames (NetBSD's if_snd) and
/// drops the rest, counting them (OutDrops). Once the guest posts buffers
/// again the queue drains on the 1-second watchdog (frontends do not
/// notify the backend of new RX buffers) and pings work; every datagram is
/// either delivered or counted as dropped.
/// </summary>
internal sealed class RxStarvationScenario : IScenario
{
    /// <summary>More than the ring (256) and the queue (512) together hold.</summary>
    public const int Burst = 1000;

    public const ushort Port = 9000;

    public string Name => "rx-starvation";

    public string Purpose => "a guest stops posting RX buffers: xvif1i0 queues 512, drops and counts the rest, then drains on the watchdog";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(options, Name);
        output.WriteLine($"rx-starvation: guest1 on bridge0, {options.SchedulerName} scheduler");
        GuestSystem guest = xen.StartGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = "00:16:3e:12:34:56" }] }, IPv4Address.Parse("10.0.0.2"));
        if (!xen.WaitConnected(guest, TimeSpan.FromSeconds(10)))
        {
            failures.Add("guest1's xennet0 did not connect within 10 s");
        }
        else
        {
            Starve(xen, guest, failures, output);
        }

        IReadOnlyList<string> held = xen.DestroyGuests(TimeSpan.FromSeconds(5));
        PingScenario.Expect(failures, held.Count == 0, $"after xl destroy nothing is held ({string.Join("; ", held)})");
        xen.Report(output);
        output.WriteLine(failures.Count == 0 ? "rx-starvation: PASS" : $"rx-starvation: FAIL: {string.Join("; ", failures)}");
        return new ScenarioResult(failures);
    }

    private static void Starve(SimulatedXen xen, GuestSystem guest, List<string> failures, TextWriter output)
    {
        // One ping each way first, so both ARP caches are warm and the burst is all UDP.
        int warm = PingExchange.Run(xen.Machine.Scheduler, xen.Dom0.Kernel, xen.Dom0.Ip, guest.Address, 1, 0x4700, output);
        PingScenario.Expect(failures, warm == 1, "dom0 -> guest1 before the starvation: echo answered");
        XennetInstance xennet = guest.Xennet.Find("xennet0")!;
        XvifInstance vif = xen.Dom0.Xvif.Instances.Single();
        int received = 0;
        int posted = -1;
        guest.Kernel.Run(() =>
        {
            guest.Ip!.Bind(Port, (_, _, _, _) => received++);
            xennet.PauseRxRefill();
            posted = xennet.RxPosted;
        });
        xen.Machine.Scheduler.RunUntil(() => posted >= 0, TimeSpan.FromSeconds(1));
        output.WriteLine($"guest1: xennet0 stops posting RX buffers ({posted} still posted)");

        long dropsBefore = vif.Interface.Counters.OutDrops;
        int sent = 0;
        void SendRange(int from, int to) => xen.Dom0.Kernel.Run(() =>
        {
            Span<byte> payload = stackalloc byte[64];
            for (int i = from; i < to; i++)
            {
                payload.Fill((byte)i);
                xen.Dom0.Ip.SendTo(guest.Address, Port, Port, payload);
            }

            sent++;
        });

        // First one datagram per posted buffer, delivered, then the rest:
        // xvif copies RX in a soft interrupt after the burst (NetBSD's xni_softintr), so the rest
        // in the same burst would fill the queue before the posted buffers.
        SendRange(0, posted);
        xen.Machine.Scheduler.RunUntil(() => sent == 1 && received >= posted, TimeSpan.FromSeconds(5));
        SendRange(posted, Burst);
        xen.Machine.Scheduler.RunUntil(() => sent == 2, TimeSpan.FromSeconds(5));
        xen.Machine.Scheduler.RunFor(TimeSpan.FromSeconds(2)); // two watchdog periods with no buffer posted
        long dropped = vif.Interface.Counters.OutDrops - dropsBefore;
        int queued = vif.RxQueued;
        output.WriteLine($"dom0: {Burst} datagrams to {guest.Address}:{Port}; guest1 got {received}, {vif.Name} holds {queued} (RxQueued), dropped {dropped} (OutDrops)");
        PingScenario.Expect(failures, received == posted, $"while starved guest1 got {received} datagrams, one per posted buffer ({posted})");
        PingScenario.Expect(failures, queued == XvifInstance.RxQueueLength, $"{vif.Name} queued {queued} (expected {XvifInstance.RxQueueLength})");
        PingScenario.Expect(failures, dropped == Burst - posted - XvifInstance.RxQueueLength, $"{vif.Name} dropped {dropped} (expected {Burst - posted - XvifInstance.RxQueueLength})");

        guest.Kernel.Run(xennet.ResumeRxRefill);
        output.WriteLine("guest1: xennet0 posts RX buffers again");
        bool drained = xen.Machine.Scheduler.RunUntil(() => vif.RxQueued == 0 && received + dropped >= Burst, TimeSpan.FromSeconds(10));
        output.WriteLine($"guest1: {received} datagrams received; {vif.Name} queue {vif.RxQueued}, {dropped} dropped: {received} + {dropped} = {received + dropped} of {Burst} sent");
        PingScenario.Expect(failures, drained, $"{vif.Name}'s queue drained after the refill");
        PingScenario.Expect(failures, received + dropped == Burst, $"sent {Burst} = delivered {received} + dropped {dropped}");
        PingScenario.Expect(failures, vif.Interface.Counters.OutDrops - dropsBefore == dropped, "no drop after the refill");

        int fromGuest = PingExchange.Run(xen.Machine.Scheduler, guest.Kernel, guest.Ip!, SimulatedXen.Dom0Address, PingScenario.Count, 0x4711, output);
        int fromDom0 = PingExchange.Run(xen.Machine.Scheduler, xen.Dom0.Kernel, xen.Dom0.Ip, guest.Address, PingScenario.Count, 0x4710, output);
        PingScenario.Expect(failures, fromGuest == PingScenario.Count, $"after recovery guest1 -> dom0: {fromGuest} of {PingScenario.Count} echoes answered");
        PingScenario.Expect(failures, fromDom0 == PingScenario.Count, $"after recovery dom0 -> guest1: {fromDom0} of {PingScenario.Count} echoes answered");
    }
}
