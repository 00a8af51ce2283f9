using System.Globalization;

namespace XvifSim.Backend;

/// <summary>
/// How dom0 configures the xvif driver. Text form (a kernel command line or
/// toolstack option): comma-separated <c>key=value</c>; the only key is
/// <c>mac-rule</c> = <c>man-page</c> (default) or <c>driver</c>, and
/// <c>rx-notify</c> = <c>watchdog</c> (default) or <c>req-event</c>.
/// </summary>
public sealed record XvifOptions
{
    /// <summary>Which octet of the guest MAC is incremented; see <see cref="Backend.MacRule"/>.</summary>
    public MacRule MacRule { get; init; } = MacRule.ManPage;

    /// <summary>How a frontend that posts RX buffers wakes the backend; see <see cref="Backend.RxNotify"/>.</summary>
    public RxNotify RxNotify { get; init; } = RxNotify.Watchdog;

    /// <summary>Parses the text form. A malformed option is the host's mistake: <see cref="FormatException"/>.</summary>
    public static XvifOptions Parse(string text)
    {
        var options = new XvifOptions();
        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] pair = item.Split('=', 2);
            options = (pair[0], pair.Length == 2 ? pair[1] : null) switch
            {
                ("mac-rule", "man-page") => options with { MacRule = MacRule.ManPage },
                ("mac-rule", "driver") => options with { MacRule = MacRule.Driver },
                ("rx-notify", "watchdog") => options with { RxNotify = RxNotify.Watchdog },
                ("rx-notify", "req-event") => options with { RxNotify = RxNotify.ReqEvent },
                _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"xvif: unknown option '{item}' (expected mac-rule=man-page|driver or rx-notify=watchdog|req-event)")),
            };
        }

        return options;
    }
}
