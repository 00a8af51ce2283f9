using System.CommandLine;
using XvifSim.Host.Faults;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Toolstack;

namespace XvifSim.Cli;

/// <summary>
/// `xvifsim up &lt;guest.cfg&gt;... [--traffic ping|udp|none]`: a user's own
/// guests from their xl.cfg files. Every file is read and checked, and the
/// guests checked against each other and this host (<see cref="GuestPlanner"/>),
/// before anything boots; every problem in every file is printed as
/// <c>file:line: message</c>, so one run shows all there is to fix.
/// </summary>
internal static class UpCommand
{
    public static Command Create(Option<int> seed, Option<bool> threaded, Option<string> output, Option<bool> noTrace)
    {
        var files = new Argument<string[]>("guest.cfg")
        {
            Description = "xl.cfg files, one guest each (keys: name, memory, vif); vif 0 gets ip= if set, else 10.0.0.2, .3, ... in order.",
            Arity = ArgumentArity.OneOrMore,
        };

        // An option `up` does not have (say --duration) would otherwise be taken as one more file, and its value too.
        files.Validators.Add(result =>
        {
            foreach (string token in result.Tokens.Select(t => t.Value).Where(v => v.StartsWith('-')))
            {
                result.AddError($"unknown option '{token}'");
            }
        });
        var traffic = new Option<string>("--traffic")
        {
            Description = "What the guests do once connected: ping (each pings dom0 and every other guest), udp (a short echo exchange with each), none.",
            HelpName = "ping|udp|none",
            DefaultValueFactory = _ => UpSession.Ping,
        };
        traffic.AcceptOnlyFromAmong(UpSession.Ping, UpSession.Udp, UpSession.None);
        var up = new Command("up", "Boot dom0 with bridge0 and the guests of the given xl.cfg files, run traffic between them, report.")
        {
            files, traffic, seed, threaded, output, noTrace, FaultOption.Option, XvifSimCommand.Pcpus,
        };
        up.SetAction(result =>
        {
            XvifSimCommand.NoteSeedIgnored(up, result);
            XvifSimCommand.NotePcpusIgnored(up, result, result.GetValue(threaded));

            // One source for the MACs libxl makes up, so a seed gives the same guests every run.
            var random = new Random(result.GetValue(seed));
            var errors = new List<XlConfigDiagnostic>();
            var loaded = new List<(string File, XlConfigResult Parsed)>();
            foreach (string file in result.GetValue(files)!)
            {
                XlConfigResult parsed = XlConfigParser.Load(file, random);
                foreach (XlConfigDiagnostic warning in parsed.Warnings)
                {
                    Console.Error.WriteLine($"{warning.File}{(warning.Line is int line ? $":{line}" : "")}: warning: {warning.Message}");
                }

                errors.AddRange(parsed.Errors);
                if (parsed.Succeeded)
                {
                    loaded.Add((file, parsed));
                }
            }

            List<PlannedGuest> guests = GuestPlanner.Plan(loaded, errors);
            if (errors.Count > 0)
            {
                foreach (XlConfigDiagnostic error in errors)
                {
                    Console.Error.WriteLine(error);
                }

                return CliUsage.Fail(up, $"{errors.Count} error{(errors.Count == 1 ? "" : "s")} in the guest configurations; nothing was started");
            }

            string root = result.GetValue(output)!;
            if ((FaultOption.Check(up, result, out FaultPlan? faults) ?? XvifSimCommand.PrepareCaptures(up, root, [UpSession.CaptureFolder])) is int bad)
            {
                return bad;
            }

            var options = new ScenarioOptions(result.GetValue(seed), result.GetValue(threaded)) { CaptureDirectory = root, Faults = faults, Trace = !result.GetValue(noTrace), Pcpus = result.GetValue(XvifSimCommand.Pcpus) };
            return UpSession.Run(guests, result.GetValue(traffic)!, options);
        });
        return up;
    }
}
