namespace XvifSim.Host.Scenarios;

/// <summary>What a scenario found: whether its expectation held, and the failed checks if not.</summary>
internal sealed record ScenarioResult(IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;
}
