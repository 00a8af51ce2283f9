using XvifSim.Host.Systems;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// How every catalogue scenario ends: xl destroy of its guests with nothing
/// left held, the kernel logs, toolstack log and interface table, and the
/// PASS or FAIL line.
/// </summary>
internal static class ScenarioEnd
{
    public static ScenarioResult Finish(SimulatedXen xen, string name, List<string> failures, TextWriter output)
    {
        // A crashed domain is a failure of the run whatever else passed: its exception and stack are in its kernel log below.
        foreach ((Emulator.Domains.Domain domain, Exception cause) in xen.Crashes)
        {
            failures.Add($"{domain} crashed: {cause.GetType().Name}: {cause.Message}");
        }

        IReadOnlyList<string> held = xen.DestroyGuests(TimeSpan.FromSeconds(5));
        PingScenario.Expect(failures, held.Count == 0, $"after xl destroy nothing is held ({string.Join("; ", held)})");
        xen.Report(output);
        output.WriteLine(failures.Count == 0 ? $"{name}: PASS" : $"{name}: FAIL: {string.Join("; ", failures)}");
        return new ScenarioResult(failures);
    }
}
