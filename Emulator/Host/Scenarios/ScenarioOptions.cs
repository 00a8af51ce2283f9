using XvifSim.Emulator.Scheduling;
using XvifSim.Host.Faults;

namespace XvifSim.Host.Scenarios;

/// <summary>How to run a scenario: which scheduler, and its seed.</summary>
internal sealed record ScenarioOptions(int Seed = 1, bool Threaded = false)
{
    /// <summary>Where Captures/&lt;scenario&gt;/ goes; null writes no captures.</summary>
    public string? CaptureDirectory { get; init; }

    /// <summary>
    /// How long the traffic phase runs, in scheduler seconds; null leaves it to
    /// the scenario. Only scenarios whose traffic is a steady rate can stretch
    /// it (<see cref="IScenario.TakesDuration"/>: ping); the command line
    /// refuses it for the others.
    /// </summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>
    /// Faults to inject, installed before dom0 boots (see <see cref="FaultPlan"/>
    /// for the spec syntax); null or an empty plan injects none.
    /// </summary>
    public FaultPlan? Faults { get; init; }

    /// <summary>
    /// Write protocol trace records (XenStore, xenbus, netif rings, grants,
    /// events) into all.pcapng beside the frames (docs/trace-format.md). On
    /// by default; only meaningful with a <see cref="CaptureDirectory"/>.
    /// </summary>
    public bool Trace { get; init; } = true;

    /// <summary>The threaded scheduler's pCPUs (worker threads); null gives one per core. Ignored by the deterministic scheduler.</summary>
    public int? Pcpus { get; init; }

    public IScheduler CreateScheduler() => Threaded ? new ThreadedScheduler(Pcpus ?? Environment.ProcessorCount) : new DeterministicScheduler(Seed);

    public string SchedulerName => Threaded ? "threaded" : $"deterministic, seed {Seed}";
}
