using System.CommandLine;
using XvifSim.Host.Soak;

namespace XvifSim.Cli;

/// <summary>
/// `xvifsim soak [--guests N] [--seconds S] [--deterministic] [--seed N]`:
/// N guests with mixed UDP traffic and random network-attach, network-detach
/// and suspend/resume for S seconds; prints frames, drops by reason and what
/// is left held; exit 1 if anything is held or the counters do not reconcile.
/// </summary>
internal static class SoakCommand
{
    public static Command Create(Option<int> seed)
    {
        var guests = new Option<int>("--guests") { Description = "Guests on bridge0 (1 to 200).", DefaultValueFactory = _ => 64 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds of traffic and random events (scheduler time).", DefaultValueFactory = _ => 60 };
        var deterministic = new Option<bool>("--deterministic") { Description = "Use the deterministic scheduler (default: threaded)." };
        var command = new Command("soak", "Soak: many guests, mixed traffic, random attach/detach/suspend; nothing may be left held.") { guests, seconds, deterministic, seed };
        command.SetAction(result =>
        {
            int n = result.GetValue(guests);
            double s = result.GetValue(seconds);
            if (n is < 1 or > 200 || !(s is > 0 and <= 86_400))
            {
                Console.Error.WriteLine("xvifsim soak: --guests must be 1 to 200 and --seconds above 0 and at most 86400");
                return 2;
            }

            SoakReport report = SoakRun.Run(new SoakOptions(n, s, !result.GetValue(deterministic), result.GetValue(seed)), Console.Out);
            report.Write(Console.Out);
            return report.Passed ? 0 : 1;
        });
        return command;
    }
}
