using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using XvifSim.Host.Captures;
using XvifSim.Host.Scenarios;

namespace XvifSim.Cli;

/// <summary>
/// `xvifsim all [--seed N] [--threaded] [--out DIR] [--pcpus N]`: every scenario, each
/// ending in its PASS or FAIL line, then a table of scenario, result, time
/// and frames captured; exit 1 if any failed.
/// </summary>
internal static class AllCommand
{
    public static Command Create(Option<int> seed, Option<bool> threaded, Option<string> output, Option<bool> noTrace)
    {
        var all = new Command("all", "Run every scenario; fails if any fails.") { seed, threaded, output, noTrace, XvifSimCommand.Pcpus };
        all.SetAction(result =>
        {
            XvifSimCommand.NoteSeedIgnored(all, result);
            XvifSimCommand.NotePcpusIgnored(all, result, result.GetValue(threaded));
            string root = result.GetValue(output)!;
            if (XvifSimCommand.PrepareCaptures(all, root, ScenarioCatalog.All.Select(s => s.Name)) is int bad)
            {
                return bad;
            }

            var options = new ScenarioOptions(result.GetValue(seed), result.GetValue(threaded)) { CaptureDirectory = root, Trace = !result.GetValue(noTrace), Pcpus = result.GetValue(XvifSimCommand.Pcpus) };
            var rows = new List<(string Name, bool Passed, TimeSpan Time, long Frames)>();
            TerminalProgress.Run("all", ScenarioCatalog.All.Count, progress =>
            {
                foreach (IScenario scenario in ScenarioCatalog.All)
                {
                    progress.Begin(scenario.Name);
                    progress.Output.WriteLine($"=== {scenario.Name}");
                    var clock = Stopwatch.StartNew();
                    bool passed = scenario.Run(options, progress.Output).Passed;
                    rows.Add((scenario.Name, passed, clock.Elapsed, CaptureFolder.CountFrames(Path.Combine(root, scenario.Name))));
                    progress.End();
                }

                return 0;
            });

            WriteSummary(Console.Out, rows);
            int failed = rows.Count(r => !r.Passed);
            Console.WriteLine(failed == 0
                ? $"all {rows.Count} scenarios passed"
                : $"{failed} of {rows.Count} scenarios failed: {string.Join(", ", rows.Where(r => !r.Passed).Select(r => r.Name))}");
            return failed == 0 ? 0 : XvifSimCommand.CheckFailed;
        });
        return all;
    }

    private static void WriteSummary(TextWriter output, List<(string Name, bool Passed, TimeSpan Time, long Frames)> rows)
    {
        output.WriteLine();
        output.WriteLine($"{"scenario",-16} {"result",-6} {"time",9} {"frames",8}");
        foreach ((string name, bool passed, TimeSpan time, long frames) in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-16} {(passed ? "PASS" : "FAIL"),-6} {time.TotalSeconds,7:0.0} s {frames,8}"));
        }
    }
}
