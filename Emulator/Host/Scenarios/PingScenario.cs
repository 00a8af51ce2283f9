using XvifSim.Guest.Net;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// The default scenario: dom0 with bridge0 at 10.0.0.1, one guest whose
/// xennet0 connects to xvif1i0 in the bridge; the guest pings dom0 and dom0
/// pings the guest, three echoes each way, every one answered. With a
/// duration, each way sends one echo a second for that long instead.
/// </summary>
internal sealed class PingScenario : IScenario
{
    public const int Count = 3;

    public string Name => "ping";

    /// <summary>One echo a second each way for the duration.</summary>
    public bool TakesDuration => true;

    public string Purpose => "one guest: xennet0 connects to xvif1i0 on bridge0; guest and dom0 ping each other";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();

        // ping(8) sends one echo a second, the first at once: a run of S seconds holds ceil(S) of them.
        int count = options.Duration is TimeSpan duration ? Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds)) : Count;
        using var xen = new SimulatedXen(options, Name);
        output.WriteLine($"ping: dom0 (bridge0 {SimulatedXen.Dom0Address}) and guest1 on the {options.SchedulerName} scheduler");
        GuestSystem guest = xen.StartGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = "00:16:3e:12:34:56" }] }, IPv4Address.Parse("10.0.0.2"));
        if (!xen.WaitConnected(guest, TimeSpan.FromSeconds(10)))
        {
            failures.Add("guest1's xennet0 did not connect within 10 s");
        }
        else
        {
            int fromGuest = PingExchange.Run(xen.Machine.Scheduler, guest.Kernel, guest.Ip!, SimulatedXen.Dom0Address, count, 0x4701, output);
            int fromDom0 = PingExchange.Run(xen.Machine.Scheduler, xen.Dom0.Kernel, xen.Dom0.Ip, guest.Address, count, 0x4700, output);
            Expect(failures, fromGuest == count, $"guest1 -> dom0: {fromGuest} of {count} echoes answered");
            Expect(failures, fromDom0 == count, $"dom0 -> guest1: {fromDom0} of {count} echoes answered");
        }

        IReadOnlyList<string> held = xen.DestroyGuests(TimeSpan.FromSeconds(5));
        PingScenario.Expect(failures, held.Count == 0, $"after xl destroy nothing is held ({string.Join("; ", held)})");
        xen.Report(output);
        output.WriteLine(failures.Count == 0 ? "ping: PASS" : $"ping: FAIL: {string.Join("; ", failures)}");
        return new ScenarioResult(failures);
    }

    internal static void Expect(List<string> failures, bool condition, string what)
    {
        if (!condition)
        {
            failures.Add(what);
        }
    }
}
