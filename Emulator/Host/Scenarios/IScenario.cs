namespace XvifSim.Host.Scenarios;

/// <summary>A named, self-checking run of the simulator.</summary>
internal interface IScenario
{
    string Name { get; }

    /// <summary>One line: what the scenario shows.</summary>
    string Purpose { get; }

    /// <summary>Whether <see cref="ScenarioOptions.Duration"/> stretches its traffic; a scenario with a fixed exchange does not take one.</summary>
    bool TakesDuration => false;

    /// <summary>Runs the scenario, narrating to <paramref name="output"/>; the result says whether its own expectation held.</summary>
    ScenarioResult Run(ScenarioOptions options, TextWriter output);
}
