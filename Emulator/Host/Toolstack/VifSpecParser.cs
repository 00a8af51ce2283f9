using System.Net;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// Reads one vif spec string, comma-separated <c>key=value</c> pairs
/// (xl-network-configuration(5)), of which XvifSim uses mac, bridge, script,
/// vifname and ip. Other keys (model, type, rate, backend, ...) are reported
/// as ignored; an empty pair, as from a trailing comma, is skipped.
/// </summary>
internal static class VifSpecParser
{
    /// <summary>IFNAMSIZ is 16 on NetBSD, the terminating NUL included.</summary>
    private const int MaxInterfaceName = 15;

    /// <summary>The spec, with <see cref="VifSpec.Mac"/> still null when it gave none; null if it had errors.</summary>
    public static VifSpec? Parse(string file, int index, XlConfigValue item, List<XlConfigDiagnostic> errors, List<XlConfigDiagnostic> warnings)
    {
        string prefix = $"vif {index}";
        int errorsBefore = errors.Count;
        void Error(string message) => errors.Add(new XlConfigDiagnostic(file, item.Line, $"{prefix}: {message}"));

        var spec = new VifSpec();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string rawPair in item.Text.Split(','))
        {
            string pair = rawPair.Trim();
            if (pair.Length == 0)
            {
                continue;
            }

            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                Error($"'{pair}' is not key=value");
                continue;
            }

            string key = pair[..equals].Trim();
            string value = pair[(equals + 1)..].Trim();
            if (!seen.Add(key))
            {
                Error($"duplicate key '{key}'");
                continue;
            }

            switch (key)
            {
                case "mac":
                    if (XenMac.TryNormalize(value, out string mac))
                    {
                        spec = spec with { Mac = mac };
                    }
                    else
                    {
                        Error($"mac '{value}' is not a valid MAC address");
                    }

                    break;
                case "bridge" or "script" or "vifname" or "ip" when value.Length == 0:
                    Error($"{key} must not be empty");
                    break;
                case "bridge":
                    spec = spec with { Bridge = value };
                    break;
                case "script":
                    spec = spec with { Script = value };
                    break;
                case "vifname" when value.Length > MaxInterfaceName:
                    Error($"vifname '{value}' is longer than {MaxInterfaceName} characters (IFNAMSIZ)");
                    break;
                case "vifname":
                    spec = spec with { VifName = value };
                    break;
                case "ip":
                    // xl-network-configuration(5): one address, or several separated by spaces.
                    string? bad = value.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(a => !IPAddress.TryParse(a, out _));
                    if (bad is not null)
                    {
                        Error($"ip '{bad}' is not an IP address");
                    }
                    else
                    {
                        spec = spec with { Ip = value };
                    }

                    break;
                default:
                    warnings.Add(new XlConfigDiagnostic(file, item.Line, $"{prefix}: ignoring unknown key '{key}'"));
                    break;
            }
        }

        return errors.Count == errorsBefore ? spec : null;
    }
}
