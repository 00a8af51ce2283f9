using System.CommandLine;
using System.Globalization;
using XvifSim.Host.Faults;
using XvifSim.Host.Scenarios;

namespace XvifSim.Cli;

/// <summary>`xvifsim run [scenario] [--seed N] [--threaded] [--out DIR] [--duration S] [--input FILE]`: one scenario and its check.</summary>
internal static class RunCommand
{
    /// <summary>The longest --duration: a day of scheduler time, far past any useful run, and well inside what a TimeSpan holds.</summary>
    private const double MaxDurationSeconds = 86_400;

    public static Command Create(Option<int> seed, Option<bool> threaded, Option<string> output, Option<bool> noTrace)
    {
        var scenarioName = new Argument<string?>("scenario")
        {
            Description = $"The scenario to run (default: {ScenarioCatalog.Default.Name}); {XvifSimCommand.Launcher} list shows them.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var duration = new Option<double?>("--duration")
        {
            Description = "Seconds of scheduler time the traffic runs, for scenarios whose traffic is a steady rate (ping: one echo a second each way); refused by the others.",
            HelpName = "S",

            // Parsed here rather than checked after System.CommandLine's own
            // parse, so a value that is no number and one out of range both
            // end as a parse error, never as an exception from reading it.
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds is > 0 and <= MaxDurationSeconds))
                {
                    result.AddError($"--duration must be a number of seconds above 0 and at most {MaxDurationSeconds.ToString(CultureInfo.InvariantCulture)}, not '{text}'");
                    return null;
                }

                return seconds;
            },
        };
        var input = new Option<string?>("--input")
        {
            Description = "replay only: the Ethernet pcap file to send from guest1 (default: a generated ARP, ping and UDP echo).",
            HelpName = "FILE",
        };
        var run = new Command("run", "Run one scenario and check its expectation.") { scenarioName, seed, threaded, output, duration, input, noTrace, FaultOption.Option, XvifSimCommand.Pcpus };
        run.SetAction(result =>
        {
            string name = result.GetValue(scenarioName) ?? ScenarioCatalog.Default.Name;
            IScenario? scenario = ScenarioCatalog.Find(name);
            if (scenario is null)
            {
                return CliUsage.Fail(run, $"no scenario named '{name}'; {XvifSimCommand.Launcher} list shows them");
            }

            if (result.GetValue(duration) is not null && !scenario.TakesDuration)
            {
                string takers = string.Join(", ", ScenarioCatalog.All.Where(s => s.TakesDuration).Select(s => s.Name));
                return CliUsage.Fail(run, $"--duration: scenario '{name}' runs a fixed exchange and does not take it (only {takers} does)");
            }

            if (result.GetValue(input) is string file)
            {
                if (scenario is not ReplayScenario)
                {
                    return CliUsage.Fail(run, $"--input: only the replay scenario reads a pcap, not '{name}'");
                }

                if (ReplayScenario.CheckInput(file) is string problem)
                {
                    return CliUsage.Fail(run, $"--input: {problem}");
                }

                scenario = new ReplayScenario(file);
            }

            XvifSimCommand.NoteSeedIgnored(run, result);
            XvifSimCommand.NotePcpusIgnored(run, result, result.GetValue(threaded));
            string root = result.GetValue(output)!;
            if ((FaultOption.Check(run, result, out FaultPlan? faults) ?? XvifSimCommand.PrepareCaptures(run, root, [scenario.Name])) is int bad)
            {
                return bad;
            }

            var options = new ScenarioOptions(result.GetValue(seed), result.GetValue(threaded))
            {
                CaptureDirectory = root,
                Faults = faults,
                Trace = !result.GetValue(noTrace),
                Pcpus = result.GetValue(XvifSimCommand.Pcpus),
                Duration = result.GetValue(duration) is double seconds ? TimeSpan.FromSeconds(seconds) : null,
            };
            return TerminalProgress.Run($"run {scenario.Name}", 1, progress =>
            {
                progress.Begin(scenario.Name);
                bool passed = scenario.Run(options, progress.Output).Passed;
                progress.End();
                return passed ? 0 : XvifSimCommand.CheckFailed;
            });
        });
        return run;
    }
}
