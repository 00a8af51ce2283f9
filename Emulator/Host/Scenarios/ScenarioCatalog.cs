namespace XvifSim.Host.Scenarios;

/// <summary>Every scenario the program knows, and the one `run` picks by default.</summary>
public static class ScenarioCatalog
{
    public static IReadOnlyList<IScenario> All { get; } =
        [new PingScenario(), new GuestToGuestScenario(), BadMacScenario.Invalid, BadMacScenario.Missing, new CoreDemoScenario(), new HotplugScenario(), new SuspendResumeScenario(), new RxStarvationScenario()];

    public static IScenario Default => All[0];

    public static IScenario? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}
