using XvifSim.Guest.Net;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// A guest whose vif has a bad MAC in XenStore (an invalid one for bad-mac, none
/// at all for missing-mac) beside a healthy guest: xvif prints its diagnostic,
/// makes no interface for the bad vif, and the healthy guest keeps working.
/// </summary>
internal sealed class BadMacScenario(string name, string? badMac, string purpose) : IScenario
{
    public static BadMacScenario Invalid { get; } =
        new("bad-mac", "00:16:3e:zz:00:01", "a vif whose mac is not a MAC: xvif says so, its neighbour works");

    public static BadMacScenario Missing { get; } =
        new("missing-mac", null, "a vif with no mac key: xvif can't read it, its neighbour works");

    public string Name => name;

    public string Purpose => purpose;

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(options, Name);
        output.WriteLine($"{Name}: healthy guest1 beside guest2 with mac {(badMac is null ? "missing" : $"'{badMac}'")}, {options.SchedulerName} scheduler");
        GuestSystem healthy = xen.StartGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = "00:16:3e:00:01:01" }] }, IPv4Address.Parse("10.0.0.2"));
        GuestSystem broken = xen.StartGuest(new GuestConfig("guest2") { Vifs = [new VifSpec { Mac = badMac }] }, IPv4Address.Parse("10.0.0.3"));
        xen.Machine.Scheduler.RunFor(TimeSpan.FromSeconds(1));

        // The backend names its node as NetBSD's xenbus does: relative to dom0's home.
        string vif = $"xvif{broken.Kernel.DomId.Value}i0";
        string expected = badMac is null
            ? $"{vif}: can't read backend/vif/{broken.Kernel.DomId.Value}/0/mac: 2"
            : $"{vif}: {badMac} is not a valid mac address";
        IReadOnlyList<string> dom0Log = xen.Machine.Console.LinesOf(xen.Machine.Dom0.Id);
        PingScenario.Expect(failures, dom0Log.Contains(expected), $"dom0's log has \"{expected}\"");
        PingScenario.Expect(failures, xen.Dom0.Kernel.Interfaces.Find(vif) is null, $"no {vif} interface exists");

        if (!xen.WaitConnected(healthy, TimeSpan.FromSeconds(10)))
        {
            failures.Add("the healthy guest1 did not connect within 10 s");
        }
        else
        {
            int replies = PingExchange.Run(xen.Machine.Scheduler, healthy.Kernel, healthy.Ip!, SimulatedXen.Dom0Address, PingScenario.Count, 0x4701, output);
            PingScenario.Expect(failures, replies == PingScenario.Count, $"guest1 -> dom0: {replies} of {PingScenario.Count} echoes answered");
        }

        IReadOnlyList<string> held = xen.DestroyGuests(TimeSpan.FromSeconds(5));
        PingScenario.Expect(failures, held.Count == 0, $"after xl destroy nothing is held ({string.Join("; ", held)})");
        xen.Report(output);
        output.WriteLine(failures.Count == 0 ? $"{Name}: PASS" : $"{Name}: FAIL: {string.Join("; ", failures)}");
        return new ScenarioResult(failures);
    }
}
