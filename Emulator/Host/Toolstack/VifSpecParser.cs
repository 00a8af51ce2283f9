using System.Net;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// Reads one vif spec string, comma-separated <c>key=value</c> pairs
/// (xl-network-configuration(5)), of which XvifSim uses mac, bridge, script,
/// vifname and ip. The other keys xl knows (model, type, rate, backend, ...)
/// are collected as not modelled, anything else is an unknown key; both are
/// ignored with a warning. An empty pair, as from a trailing comma, is skipped.
/// </summary>
internal static class VifSpecParser
{
    /// <summary>IFNAMSIZ is 16 on NetBSD, the terminating NUL included.</summary>
    private const int MaxInterfaceName = 15;

    /// <summary>
    /// The spec, with <see cref="VifSpec.Mac"/> still null when it gave none;
    /// null if it had errors. Keys xl knows and XvifSim does not model are
    /// added to <paramref name="unmodelled"/> with their line, for the caller
    /// to report once.
    /// </summary>
    public static VifSpec? Parse(string file, int index, XlConfigValue item, List<XlConfigDiagnostic> errors, List<XlConfigDiagnostic> warnings, List<(string Key, int Line)> unmodelled)
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
                    if (!XenMac.TryNormalize(value, out string mac))
                    {
                        Error($"mac '{value}' is not a valid MAC address");
                    }
                    else if (XenMac.UnicastProblem(mac) is string problem)
                    {
                        Error($"mac '{value}' {problem}: a vif needs a unicast address");
                    }
                    else
                    {
                        spec = spec with { Mac = mac };
                    }

                    break;
                case "bridge" or "script" or "vifname" or "ip" when value.Length == 0:
                    Error($"{key} must not be empty");
                    break;
                case "bridge":
                    spec = spec with { Bridge = value };
                    break;
                // xl runs the named script in dom0; XvifSim's dom0 has vif-bridge only (Systems/VifBridgeScript.cs).
                case "script" when value != VifSpec.DefaultScript && !value.EndsWith("/" + VifSpec.DefaultScript, StringComparison.Ordinal):
                    Error($"script '{value}' is not modelled: XvifSim's dom0 runs only {VifSpec.DefaultScript}");
                    break;
                case "script":
                    spec = spec with { Script = value };
                    break;
                case "vifname" when value.Length > MaxInterfaceName:
                    Error($"vifname '{value}' is longer than {MaxInterfaceName} characters (IFNAMSIZ)");
                    break;
                case "vifname" when value.Any(c => c is <= ' ' or >= (char)0x7f or '/'):
                    Error($"vifname '{value}' is not an interface name (printable ASCII, no space or '/')");
                    break;
                case "vifname" when value == VifSpec.DefaultBridge:
                    Error($"vifname '{value}' is dom0's bridge");
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
                    if (XlUnmodelledKeys.Vif.Contains(key))
                    {
                        unmodelled.Add(($"{prefix} {key}", item.Line));
                    }
                    else
                    {
                        warnings.Add(new XlConfigDiagnostic(file, item.Line, $"{prefix}: ignoring unknown key '{key}'"));
                    }

                    break;
            }
        }

        return errors.Count == errorsBefore ? spec : null;
    }
}
