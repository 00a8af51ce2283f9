using System.CommandLine;
using XvifSim.Host.Soak;
using XvifSim.Host.Systems;

namespace XvifSim.Cli;

/// <summary>
/// `xvifsim soak [--guests N] [--seconds S] [--deterministic] [--seed N] [--pcpus N]`:
/// N guests with mixed UDP traffic and random network-attach, network-detach
/// and suspend/resume for S seconds; prints frames, drops by reason and what
/// is left held; exit 1 if anything is held or the counters do not reconcile.
/// </summary>
internal static class SoakCommand
{
    public static Command Create(Option<int> seed)
    {
        var guests = new Option<int>("--guests") { Description = $"Guests on bridge0 (1 to {SimulatedXen.MaxGuests}).", HelpName = "N", DefaultValueFactory = _ => 64 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds of traffic and random events (scheduler time).", HelpName = "S", DefaultValueFactory = _ => 60 };
        var deterministic = new Option<bool>("--deterministic") { Description = "Use the deterministic scheduler (default: threaded)." };
        var command = new Command("soak", "Soak: many guests, mixed traffic, random attach/detach/suspend; nothing may be left held.") { guests, seconds, deterministic, seed, XvifSimCommand.Pcpus };
        command.SetAction(result =>
        {
            int n = result.GetValue(guests);
            double s = result.GetValue(seconds);
            if (Check(n, s) is string refused)
            {
                return CliUsage.Fail(command, refused);
            }

            XvifSimCommand.NotePcpusIgnored(command, result, !result.GetValue(deterministic));

            // The soak narrates only its events, so a long one is quiet: the display, or a status line every few seconds, shows it runs.
            return TerminalProgress.Run("soak", 1, progress =>
            {
                progress.Begin($"{n} guests, {s} s");
                SoakReport report = SoakRun.Run(new SoakOptions(n, s, !result.GetValue(deterministic), result.GetValue(seed), result.GetValue(XvifSimCommand.Pcpus)), progress.Output);
                report.Write(progress.Output);
                progress.End();
                return report.Passed ? 0 : XvifSimCommand.CheckFailed;
            });
        });
        return command;
    }

    /// <summary>Why a soak of <paramref name="guests"/> guests for <paramref name="seconds"/> s is refused, or null when it is accepted.</summary>
    internal static string? Check(int guests, double seconds) =>
        guests is < 1 or > SimulatedXen.MaxGuests || !(seconds is > 0 and <= 86_400)
            ? $"--guests must be 1 to {SimulatedXen.MaxGuests} and --seconds above 0 and at most 86400"
            : null;
}
