using System.CommandLine;
using XvifSim.Host.Scenarios;

namespace XvifSim.Host.Cli;

/// <summary>The `xvifsim` command line (System.CommandLine).</summary>
public static class XvifSimCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("XvifSim: Xen's hypervisor interfaces, NetBSD's xvif and xennet drivers, in one process.");
        root.Subcommands.Add(ListCommand());
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(AllCommand());
        root.Subcommands.Add(XenstoredCommand.Create());
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
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the deterministic scheduler: the same seed gives the same run.",
            DefaultValueFactory = _ => 1,
        };
        var threaded = new Option<bool>("--threaded")
        {
            Description = "Run each vCPU on its own thread in real time instead.",
        };
        var run = new Command("run", "Run one scenario and check its expectation.") { scenarioName, seed, threaded, Out };
        run.SetAction(result =>
        {
            string name = result.GetValue(scenarioName) ?? ScenarioCatalog.Default.Name;
            IScenario? scenario = ScenarioCatalog.Find(name);
            if (scenario is null)
            {
                Console.Error.WriteLine($"xvifsim: no scenario named '{name}'; `xvifsim list` shows them");
                return 2;
            }

            var options = new ScenarioOptions(result.GetValue(seed), result.GetValue(threaded)) { CaptureDirectory = result.GetValue(Out) };
            return scenario.Run(options, Console.Out).Passed ? 0 : 1;
        });
        return run;
    }

    private static Command AllCommand()
    {
        var all = new Command("all", "Run every scenario; fails if any fails.") { Out };
        all.SetAction(result =>
        {
            var failed = new List<string>();
            foreach (IScenario scenario in ScenarioCatalog.All)
            {
                Console.WriteLine($"=== {scenario.Name}");
                if (!scenario.Run(new ScenarioOptions { CaptureDirectory = result.GetValue(Out) }, Console.Out).Passed)
                {
                    failed.Add(scenario.Name);
                }
            }

            Console.WriteLine(failed.Count == 0
                ? $"all {ScenarioCatalog.All.Count} scenarios passed"
                : $"{failed.Count} of {ScenarioCatalog.All.Count} scenarios failed: {string.Join(", ", failed)}");
            return failed.Count == 0 ? 0 : 1;
        });
        return all;
    }

    /// <summary>--out: where Captures/&lt;scenario&gt;/ goes (default $XVIFSIM_CAPTURES, else ./Captures).</summary>
    private static readonly Option<string> Out = new("--out")
    {
        Description = "Directory for the captures (one folder per scenario).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("XVIFSIM_CAPTURES") ?? "Captures",
    };
}
