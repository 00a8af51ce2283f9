using System.CommandLine;
using System.Globalization;
using XvifSim.Host.Scenarios;

namespace XvifSim.Cli;

/// <summary>The `xvifsim` command line (System.CommandLine).</summary>
public static class XvifSimCommand
{
    /// <summary>The longest --duration: a day of scheduler time, far past any useful run, and well inside what a TimeSpan holds.</summary>
    private const double MaxDurationSeconds = 86_400;

    public static RootCommand Create()
    {
        var root = new RootCommand("XvifSim: Xen's hypervisor interfaces, NetBSD's xvif and xennet drivers, in one process.");
        root.Subcommands.Add(ListCommand());
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(AllCommand());
        root.Subcommands.Add(UpCommand.Create(Seed, Threaded, Out));
        root.Subcommands.Add(XenstoredCommand.Create());
        root.Subcommands.Add(SoakCommand.Create(Seed));
        return root;
    }

    private static Command ListCommand()
    {
        var list = new Command("list", "List the scenarios, one line each.");
        list.SetAction(_ =>
        {
            foreach (IScenario scenario in ScenarioCatalog.All)
            {
                string mark = scenario == ScenarioCatalog.Default ? " (default)" : "";
                Console.WriteLine($"{scenario.Name,-16} {scenario.Purpose}{mark}");
            }

            return 0;
        });
        return list;
    }

    private static Command RunCommand()
    {
        var scenarioName = new Argument<string?>("scenario")
        {
            Description = $"The scenario to run (default: {ScenarioCatalog.Default.Name}); see `list`.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var duration = new Option<double?>("--duration")
        {
            Description = "Seconds of scheduler time the traffic phase runs (ping: one echo a second each way); scenarios with a fixed exchange ignore it.",

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
        var run = new Command("run", "Run one scenario and check its expectation.") { scenarioName, Seed, Threaded, Out, duration };
        run.SetAction(result =>
        {
            string name = result.GetValue(scenarioName) ?? ScenarioCatalog.Default.Name;
            IScenario? scenario = ScenarioCatalog.Find(name);
            if (scenario is null)
            {
                Console.Error.WriteLine($"xvifsim: no scenario named '{name}'; `xvifsim list` shows them");
                return 2;
            }

            if (!PrepareCaptures(result.GetValue(Out)!))
            {
                return 2;
            }

            var options = new ScenarioOptions(result.GetValue(Seed), result.GetValue(Threaded))
            {
                CaptureDirectory = result.GetValue(Out),
                Duration = result.GetValue(duration) is double seconds ? TimeSpan.FromSeconds(seconds) : null,
            };
            return scenario.Run(options, Console.Out).Passed ? 0 : 1;
        });
        return run;
    }

    private static Command AllCommand()
    {
        var all = new Command("all", "Run every scenario; fails if any fails.") { Out };
        all.SetAction(result =>
        {
            if (!PrepareCaptures(result.GetValue(Out)!))
            {
                return 2;
            }

            var failed = new List<string>();
            TerminalProgress.Run([.. ScenarioCatalog.All.Select(s => s.Name)], progress =>
            {
                foreach (IScenario scenario in ScenarioCatalog.All)
                {
                    TextWriter output = progress.Begin(scenario.Name);
                    output.WriteLine($"=== {scenario.Name}");
                    if (!scenario.Run(new ScenarioOptions { CaptureDirectory = result.GetValue(Out) }, output).Passed)
                    {
                        failed.Add(scenario.Name);
                    }

                    progress.End();
                }

                return failed.Count;
            });

            Console.WriteLine(failed.Count == 0
                ? $"all {ScenarioCatalog.All.Count} scenarios passed"
                : $"{failed.Count} of {ScenarioCatalog.All.Count} scenarios failed: {string.Join(", ", failed)}");
            return failed.Count == 0 ? 0 : 1;
        });
        return all;
    }

    /// <summary>
    /// Makes the --out directory before anything boots, so a path that cannot
    /// hold captures is one clear error rather than an exception mid-run.
    /// </summary>
    internal static bool PrepareCaptures(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            Console.Error.WriteLine($"xvifsim: --out '{directory}': cannot create the capture directory: {e.Message}");
            return false;
        }
    }

    /// <summary>--seed, shared by `run` and `up`.</summary>
    private static readonly Option<int> Seed = new("--seed")
    {
        Description = "Seed of the deterministic scheduler: the same seed gives the same run.",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>--threaded, shared by `run` and `up`.</summary>
    private static readonly Option<bool> Threaded = new("--threaded")
    {
        Description = "Run each vCPU on its own thread in real time instead.",
    };

    /// <summary>--out: where Captures/&lt;scenario&gt;/ goes (default $XVIFSIM_CAPTURES, else ./Captures).</summary>
    private static readonly Option<string> Out = new("--out")
    {
        Description = "Directory for the captures (one folder per scenario).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("XVIFSIM_CAPTURES") ?? "Captures",
    };
}
