using XvifSim.Emulator.Scheduling;

namespace XvifSim.Host.Scenarios;

/// <summary>How to run a scenario: which scheduler, and its seed.</summary>
internal sealed record ScenarioOptions(int Seed = 1, bool Threaded = false)
{
    /// <summary>Where Captures/&lt;scenario&gt;/ goes; null writes no captures.</summary>
    public string? CaptureDirectory { get; init; }

    /// <summary>
    /// How long the traffic phase runs, in scheduler seconds; null leaves it to
    /// the scenario. Only scenarios whose traffic is a steady rate can stretch
    /// it: ping honours it; the others ignore it.
    /// </summary>
    public TimeSpan? Duration { get; init; }

    public IScheduler CreateScheduler() => Threaded ? new ThreadedScheduler() : new DeterministicScheduler(Seed);

    public string SchedulerName => Threaded ? "threaded" : $"deterministic, seed {Seed}";
}
