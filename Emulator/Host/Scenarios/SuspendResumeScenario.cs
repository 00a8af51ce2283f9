using XvifSim.Frontend;
using XvifSim.Guest.Net;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;
using XvifSim.Public;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// A guest suspends and resumes in place, as around xl save and restore:
/// xennet0 suspends (TX answered, its event channel closed); the toolstack
/// removes the backend directory, so xvif1i0 detaches, then writes both
/// directories afresh and runs the hotplug script for the new xvif1i0;
/// xennet0 resumes with new ring grants and a new event channel and
/// connects again. Pings work before and after; the guest's MAC and
/// interface are unchanged.
/// </summary>
internal sealed class SuspendResumeScenario : IScenario
{
    public string Name => "suspend-resume";

    public string Purpose => "xennet0 suspends, the toolstack replaces its backend, xennet0 resumes and reconnects; pings before and after";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(options, Name);
        output.WriteLine($"suspend-resume: guest1 on bridge0, {options.SchedulerName} scheduler");
        var spec = new VifSpec { Mac = "00:16:3e:12:34:56" };
        GuestSystem guest = xen.StartGuest(new GuestConfig("guest1") { Vifs = [spec] }, IPv4Address.Parse("10.0.0.2"));
        if (!xen.WaitConnected(guest, TimeSpan.FromSeconds(10)))
        {
            failures.Add("guest1's xennet0 did not connect within 10 s");
        }
        else
        {
            Pings(xen, guest, "before suspend", 0x4700, failures, output);
            NetworkInterface before = guest.Xennet0!;
            if (SuspendAndResume(xen, guest, spec, failures, output) && xen.WaitConnected(guest, TimeSpan.FromSeconds(10)))
            {
                PingScenario.Expect(failures, ReferenceEquals(guest.Xennet0, before) && guest.Xennet0!.Mac == before.Mac, $"xennet0 is the same interface with the same MAC ({before.Mac})");
                Pings(xen, guest, "after resume", 0x4710, failures, output);
            }
            else
            {
                failures.Add("xennet0 did not connect again after resume within 10 s");
            }
        }

        IReadOnlyList<string> held = xen.DestroyGuests(TimeSpan.FromSeconds(5));
        PingScenario.Expect(failures, held.Count == 0, $"after xl destroy nothing is held ({string.Join("; ", held)})");
        xen.Report(output);
        output.WriteLine(failures.Count == 0 ? "suspend-resume: PASS" : $"suspend-resume: FAIL: {string.Join("; ", failures)}");
        return new ScenarioResult(failures);
    }

    private static bool SuspendAndResume(SimulatedXen xen, GuestSystem guest, VifSpec spec, List<string> failures, TextWriter output)
    {
        DomId domid = guest.Kernel.DomId;
        XennetInstance xennet = guest.Xennet.Find("xennet0")!;
        output.WriteLine($"guest1: xennet0 suspends (event channel {xennet.EventChannel?.Value}, ring grants {xennet.TxRingRef?.Value}/{xennet.RxRingRef?.Value})");
        bool? suspended = null;
        guest.Kernel.Run(async () => suspended = await xennet.SuspendAsync());
        xen.Machine.Scheduler.RunUntil(() => suspended is not null, TimeSpan.FromSeconds(10));
        if (suspended != true)
        {
            failures.Add("xennet0 did not suspend");
            return false;
        }

        HotplugResult removed = xen.Libxl.SuspendVif(domid, 0);
        output.WriteLine($"toolstack: vif 0 backend removed: {removed.Message}");
        bool gone = xen.Machine.Scheduler.RunUntil(() => xen.Dom0.Kernel.Interfaces.Find(HotplugScenario.VifName) is null, TimeSpan.FromSeconds(10));
        PingScenario.Expect(failures, gone, $"the old {HotplugScenario.VifName} detached once its directory went");

        xen.Libxl.ResumeVif(domid, spec, 0);
        PingScenario.Expect(failures, VifLifecycle.Hotplug(xen, guest, 0, output), $"the new {HotplugScenario.VifName} reached InitWait and joined bridge0");

        bool? resumed = null;
        guest.Kernel.Run(async () => resumed = await xennet.ResumeAsync());
        xen.Machine.Scheduler.RunUntil(() => resumed is not null, TimeSpan.FromSeconds(10));
        output.WriteLine($"guest1: xennet0 resumed: {resumed} (event channel {xennet.EventChannel?.Value}, ring grants {xennet.TxRingRef?.Value}/{xennet.RxRingRef?.Value})");
        PingScenario.Expect(failures, resumed == true, "xennet0 resumed");
        return resumed == true;
    }

    private static void Pings(SimulatedXen xen, GuestSystem guest, string when, ushort id, List<string> failures, TextWriter output)
    {
        int fromGuest = PingExchange.Run(xen.Machine.Scheduler, guest.Kernel, guest.Ip!, SimulatedXen.Dom0Address, PingScenario.Count, (ushort)(id + 1), output);
        int fromDom0 = PingExchange.Run(xen.Machine.Scheduler, xen.Dom0.Kernel, xen.Dom0.Ip, guest.Address, PingScenario.Count, id, output);
        PingScenario.Expect(failures, fromGuest == PingScenario.Count, $"{when}: guest1 -> dom0: {fromGuest} of {PingScenario.Count} echoes answered");
        PingScenario.Expect(failures, fromDom0 == PingScenario.Count, $"{when}: dom0 -> guest1: {fromDom0} of {PingScenario.Count} echoes answered");
    }
}
