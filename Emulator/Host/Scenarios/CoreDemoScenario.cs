using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Guest;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// The hypervisor core on its own: dom0 and one guest share a page by grant
/// (map and copy) and pass events both ways, then the guest is destroyed and
/// nothing is left held.
/// </summary>
internal sealed class CoreDemoScenario : IScenario
{
    public string Name => "core-demo";

    public string Purpose => "dom0 and a guest share a page by grant (map and copy) and pass events both ways";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        using var machine = new Machine(options.CreateScheduler());
        Domain guestDomain = machine.CreateDomain(new DomainConfig("guest1"));
        var dom0 = new GuestKernel(machine.Dom0.Hypercalls, "dom0");
        var guest = new GuestKernel(guestDomain.Hypercalls, "guest1");
        var demo = new CoreDemo(dom0, guest);
        output.WriteLine($"core-demo: dom0 and {guestDomain} on the {options.SchedulerName} scheduler");

        guest.Run(demo.GuestOffer);
        var failures = new List<string>();
        if (!machine.Scheduler.RunUntil(() => demo.Finished, TimeSpan.FromSeconds(10)))
        {
            failures.Add("the exchange did not finish within 10 s");
        }

        failures.AddRange(demo.Failures);
        machine.DestroyDomain(guestDomain.Id);
        IReadOnlyList<string> outstanding = machine.Outstanding();
        failures.AddRange(outstanding.Select(o => $"still held after teardown: {o}"));

        foreach (ConsoleLine line in machine.Console.Lines)
        {
            output.WriteLine($"{line.DomainName,-8} {line.ToLogLine()}");
        }

        output.WriteLine($"events delivered: dom0 {dom0.Events.Delivered}, guest1 {guest.Events.Delivered}; " +
            $"{guestDomain.Name} destroyed; outstanding: {(outstanding.Count == 0 ? "nothing" : string.Join("; ", outstanding))}");
        output.WriteLine(failures.Count == 0 ? "core-demo: PASS" : $"core-demo: FAIL: {string.Join("; ", failures)}");
        return new ScenarioResult(failures);
    }
}
