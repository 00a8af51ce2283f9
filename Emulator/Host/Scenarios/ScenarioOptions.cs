using XvifSim.Emulator.Scheduling;

namespace XvifSim.Host.Scenarios;

/// <summary>How to run a scenario: which scheduler, and its seed.</summary>
public sealed record ScenarioOptions(int Seed = 1, bool Threaded = false)
{
    public IScheduler CreateScheduler() => Threaded ? new ThreadedScheduler() : new DeterministicScheduler(Seed);

    public string SchedulerName => Threaded ? "threaded" : $"deterministic, seed {Seed}";
}
