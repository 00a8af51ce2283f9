using XvifSim.Host.Scale;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;

namespace XvifSim.Benchmarks;

/// <summary>
/// Issue 15's scale figure: <see cref="GuestFleet"/> with the given number of
/// guests on one bridge under the deterministic scheduler (one thread, so the
/// figure is the simulator's own cost, not thread wake-ups): wall-clock time
/// until every guest's xennet0 and its xvif read Connected, then until every
/// guest's one echo to dom0 is answered, and the process's peak working set
/// after it. A guest that does not connect, an unanswered echo, or anything
/// held after destroy fails the run.
/// </summary>
internal static class FleetBenchmark
{
    /// <summary>The count; the full bench and <c>--fleet</c> always use it.</summary>
    public const int FullGuests = SimulatedXen.MaxGuests;

    /// <summary>What <c>--quick</c> uses, and says so in its label, to stay within its minute.</summary>
    public const int QuickGuests = 300;

    /// <summary>Far more than the target of 5 s even on a loaded machine; past it the run is broken, not slow.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(300);

    public static FleetFigures Run(int guests, MemoryPeak peak)
    {
        FleetResult result;
        using (var xen = new SimulatedXen(new ScenarioOptions(Seed: 1), "fleet"))
        {
            result = GuestFleet.Run(xen, guests, Limit);
            peak.Sample();
        }

        return result.Passed
            ? new FleetFigures(guests, result.BringUp.TotalSeconds, result.Pings.TotalSeconds, result.BringUpSchedulerNs / 1e9, MemoryPeak.WorkingSetBytes)
            {
                AnsweredFirstSecond = result.Echoes.AnsweredFirstSecond,
                BehindRxFlood = result.Echoes.BehindRxFlood,
                OtherwiseLate = result.Echoes.OtherwiseLate,
                EchoesLost = result.Echoes.RequestsLost + result.Echoes.RepliesLost,
                HeldEchoesReplaced = result.Echoes.HeldEchoesReplaced,
                RxQueueDrops = result.Echoes.RxQueueDrops,
                ArpRetries = result.Echoes.ArpRetries,
            }
            : throw new InvalidOperationException($"{guests} guests each pinging dom0: {result}");
    }
}
