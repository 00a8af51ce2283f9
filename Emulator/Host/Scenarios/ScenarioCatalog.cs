namespace XvifSim.Host.Scenarios;

/// <summary>Every scenario the program knows, and the one `run` picks by default.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<IScenario> All { get; } =
        [
            new PingScenario(), new GuestToGuestScenario(), new ArpScenario(), new UdpStreamScenario(), new JumboScenario(),
            BadMacScenario.Invalid, BadMacScenario.Missing, new HotplugScenario(), new SuspendResumeScenario(),
            new RxStarvationScenario(), new ManyGuestsScenario(), new ReplayScenario(), new CoreDemoScenario(),
        ];

    public static IScenario Default => All[0];

    public static IScenario? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}
