using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text.RegularExpressions;
using XvifSim.Emulator.Scheduling;
using XvifSim.Host.Captures;
using XvifSim.Host.Scenarios;

namespace XvifSim.Cli;

/// <summary>
/// The `xvifsim` command line (System.CommandLine), which users run as
/// ./run-sim.sh. One error discipline for every command: input that cannot
/// be used (arguments, option values, unknown options, config files, an
/// unusable --out or socket path) is one line <c>xvifsim &lt;command&gt;: what
/// is wrong</c> and that command's usage line on stderr, exit 2; a check that
/// failed is exit 1 and says which and why; nothing prints a stack trace.
/// </summary>
public static class XvifSimCommand
{
    /// <summary>How users start the program (run-sim.sh passes its arguments on).</summary>
    public const string Launcher = "./run-sim.sh";

    /// <summary>Exit code of a check that failed.</summary>
    public const int CheckFailed = 1;

    /// <summary>Exit code of input that cannot be used: nothing ran, or the run stopped.</summary>
    public const int BadInput = 2;

    /// <summary>Parses <paramref name="args"/> and runs the command, with the error discipline above.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        RootCommand root = Create();
        ParseResult parsed = root.Parse(args);
        Command command = parsed.CommandResult.Command;
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            // One line: System.CommandLine lays some messages out over several (the choices of --traffic).
            IEnumerable<string> messages = parsed.Errors.Select(e => Regex.Replace(e.Message, @"\s*\n\s*", " ").TrimEnd('.'));
            return CliUsage.Fail(command, string.Join("; ", messages.Distinct()));
        }

        if (parsed.Action is HelpAction)
        {
            var help = new StringWriter();
            int shown = parsed.Invoke(new InvocationConfiguration { Output = help });
            Console.Out.Write(CliUsage.HelpWithLauncher(help.ToString(), command));
            return shown;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CaptureFileException e)
        {
            // After the usage line would mislead: the input was fine, the disk was not.
            Console.Out.Flush();
            Console.Error.WriteLine($"{CliUsage.Prefix(command)}: {e.Message}; the run stopped");
            return BadInput;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not the user's input and not a check: an environment problem
            // (libpcap missing) or a fault in XvifSim itself. One line for the
            // user; the stack for whoever sets XVIFSIM_DEBUG to chase it.
            Console.Out.Flush();
            Console.Error.WriteLine($"{CliUsage.Prefix(command)}: {e.Message} ({e.GetType().Name}; XVIFSIM_DEBUG=1 shows where)");
            if (Environment.GetEnvironmentVariable("XVIFSIM_DEBUG") is "1")
            {
                Console.Error.WriteLine(e);
            }

            return CheckFailed;
        }
    }

    public static RootCommand Create()
    {
        var root = new RootCommand($"XvifSim: Xen's hypervisor interfaces, NetBSD's xvif and xennet drivers, in one process. Run it as {Launcher}.");
        root.Subcommands.Add(ListCommand());
        root.Subcommands.Add(RunCommand.Create(Seed, Threaded, Out, NoTrace));
        root.Subcommands.Add(AllCommand.Create(Seed, Threaded, Out, NoTrace));
        root.Subcommands.Add(UpCommand.Create(Seed, Threaded, Out, NoTrace));
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

    /// <summary>
    /// Readies &lt;out&gt;/&lt;scenario&gt;/ for each scenario before anything
    /// runs (see <see cref="CaptureFolder"/>): a folder that cannot be used is
    /// the command's bad input; other files found there are named on stderr.
    /// Returns null when all are ready, else the exit code.
    /// </summary>
    internal static int? PrepareCaptures(Command command, string root, IEnumerable<string> scenarios)
    {
        foreach (string scenario in scenarios)
        {
            CaptureFolderResult folder = CaptureFolder.Prepare(root, scenario);
            if (!folder.Succeeded)
            {
                return CliUsage.Fail(command, $"--out '{root}': {folder.Error}");
            }

            if (folder.OtherFiles.Count > 0)
            {
                Console.Error.WriteLine($"{CliUsage.Prefix(command)}: note: {folder.Directory} also holds {string.Join(", ", folder.OtherFiles)}, not captures of this run (left alone)");
            }
        }

        return null;
    }

    /// <summary>Says, on stderr, that --seed was given but the threaded scheduler has no seed.</summary>
    internal static void NoteSeedIgnored(Command command, ParseResult result)
    {
        if (result.GetValue(Threaded) && result.GetResult(Seed) is { Implicit: false })
        {
            Console.Error.WriteLine($"{CliUsage.Prefix(command)}: note: --seed does not apply with --threaded (the threaded scheduler runs in real time; nothing fixes its interleaving)");
        }
    }

    /// <summary>Says, on stderr, that --pcpus was given but the deterministic scheduler runs everything on one thread.</summary>
    internal static void NotePcpusIgnored(Command command, ParseResult result, bool threaded)
    {
        if (!threaded && result.GetValue(Pcpus) is not null)
        {
            Console.Error.WriteLine($"{CliUsage.Prefix(command)}: note: --pcpus applies only to the threaded scheduler (the deterministic one runs every vCPU on one thread)");
        }
    }

    /// <summary>--seed, shared by `run`, `all`, `up` and `soak`.</summary>
    internal static readonly Option<int> Seed = new("--seed")
    {
        Description = "Seed of the deterministic scheduler: the same seed gives the same run.",
        HelpName = "N",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>--threaded, shared by `run`, `all` and `up`.</summary>
    internal static readonly Option<bool> Threaded = new("--threaded")
    {
        Description = "Run the vCPUs on a pool of pCPU worker threads (see --pcpus) in real time instead (no seed applies).",
    };

    /// <summary>--pcpus, shared by `run`, `all`, `up` and `soak`: the threaded scheduler's worker threads.</summary>
    internal static readonly Option<int?> Pcpus = new("--pcpus")
    {
        Description = $"pCPUs (worker threads) that run the vCPUs with --threaded, 1 to {ThreadedScheduler.MaxPcpus} (default: one per core).",
        HelpName = "N",

        // Parsed here so that a value out of range is a parse error with the usage line, like any other bad value.
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pcpus) || pcpus is < 1 or > ThreadedScheduler.MaxPcpus)
            {
                result.AddError($"--pcpus must be a whole number from 1 to {ThreadedScheduler.MaxPcpus}, not '{text}'");
                return null;
            }

            return pcpus;
        },
    };

    /// <summary>--no-trace, shared by `run`, `all` and `up`.</summary>
    internal static readonly Option<bool> NoTrace = new("--no-trace")
    {
        Description = "Leave the protocol trace records (XenStore, xenbus, rings, grants, events) out of all.pcapng.",
    };

    /// <summary>--out: where Captures/&lt;scenario&gt;/ goes (default $XVIFSIM_CAPTURES, else ./Captures).</summary>
    internal static readonly Option<string> Out = new("--out")
    {
        Description = "Directory for the captures (one folder per scenario, emptied of old captures first).",
        HelpName = "DIR",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("XVIFSIM_CAPTURES") ?? "Captures",
    };
}
