namespace XvifSim.Benchmarks;

/// <summary>
/// How long each figure is measured, and where the results file goes.
/// <see cref="Quick"/> keeps the whole run, startup included, under a minute
/// on a loaded 2-core machine and prints the same table; <see cref="Full"/>
/// takes longer windows for steadier figures.
/// </summary>
/// <param name="Mode">Named in the table's heading.</param>
/// <param name="Loop">Each single-threaded timed loop (the core operations, memcpy, the XenStore core).</param>
/// <param name="WarmUp">Run before a threaded figure is timed, so that JIT tiering, rings and buffers settle.</param>
/// <param name="Window">One timed window of a guest-to-guest stream.</param>
/// <param name="Rounds">
/// How many windows each guest-to-guest figure gets. The four streams take
/// turns, window by window, and each figure is the median of its windows, so
/// that load from elsewhere on the machine falls on all of them alike and a
/// ratio compares like with like.
/// </param>
/// <param name="FleetGuests">Guests the scale figure brings up (<see cref="FleetBenchmark"/>).</param>
/// <param name="FleetOnly">Run the scale figure alone (<c>--fleet</c>): its section of the table and its keys only.</param>
/// <param name="CaptureOnly">Run the capture path alone (<c>--capture</c>, <see cref="CaptureBenchmark"/>): printed, no results file.</param>
public sealed record BenchOptions(string Mode, string OutPath, TimeSpan Loop, TimeSpan WarmUp, TimeSpan Window, int Rounds, int FleetGuests = FleetBenchmark.FullGuests, bool FleetOnly = false, bool CaptureOnly = false)
{
    public const string DefaultOut = "bench-results.json";

    public static BenchOptions Quick(string outPath) =>
        new("quick", outPath, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(700), TimeSpan.FromMilliseconds(250), Rounds: 5, FleetGuests: FleetBenchmark.QuickGuests);

    public static BenchOptions Full(string outPath) =>
        new("full", outPath, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), Rounds: 15);

    /// <summary>The timed span of a threaded figure measured in one go (Channels, the XenStore ring): as long as a stream's windows together.</summary>
    public TimeSpan Span => Window * Rounds;

    /// <summary>Parses <c>[--quick | --fleet | --capture] [--out PATH]</c>; null, with the reason in <paramref name="error"/>, for anything else.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        bool quick = false;
        bool fleet = false;
        bool capture = false;
        string outPath = DefaultOut;
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--fleet":
                    fleet = true;
                    break;
                case "--capture":
                    capture = true;
                    break;
                case "--out" when i + 1 < args.Count:
                    outPath = args[++i];
                    break;
                default:
                    error = $"unknown argument '{args[i]}' (usage: bench [--quick | --fleet | --capture] [--out PATH])";
                    return null;
            }
        }

        if (quick && fleet)
        {
            error = "--fleet runs the 1,000-guest figure alone and cannot be --quick (usage: bench [--quick | --fleet] [--out PATH])";
            return null;
        }

        if (capture && (quick || fleet))
        {
            error = "--capture runs the capture path alone and takes no other mode (usage: bench [--quick | --fleet | --capture] [--out PATH])";
            return null;
        }

        outPath = Path.GetFullPath(outPath);
        if (capture)
        {
            return Quick(outPath) with { Mode = "capture", CaptureOnly = true };
        }

        return fleet ? Full(outPath) with { Mode = "fleet", FleetOnly = true } : quick ? Quick(outPath) : Full(outPath);
    }
}
