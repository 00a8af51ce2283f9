using System.Globalization;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// Reads a guest's xl.cfg file (xl.cfg(5); syntax in <see cref="XlConfigScanner"/>)
/// into a <see cref="GuestConfig"/>. Keys used: name (required, a string),
/// memory (MiB, an integer), vif (a list of vif specs). The other keys xl
/// knows (vcpus, kernel, disk, ...) are listed in one warning as not
/// modelled; any other key is an ignored unknown key, as xl leaves keys it
/// does not know alone. Bad input never throws: every error is
/// reported as <c>file:line: key: what is wrong</c> and the result then has
/// no configuration. A vif without mac= gets one made up in Xen's OUI, as
/// libxl__device_nic_setdefault does, from the caller's random source.
/// </summary>
internal static class XlConfigParser
{
    /// <summary>Reads and parses <paramref name="path"/>; a file that cannot be read is an error, not an exception.</summary>
    public static XlConfigResult Load(string path, Random random)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new XlConfigResult(null, [new XlConfigDiagnostic(path, null, $"cannot read the file: {e.Message}")], []);
        }

        return Parse(path, text, random);
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> is only used to name it in messages.</summary>
    public static XlConfigResult Parse(string file, string text, Random random)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(random);
        var errors = new List<XlConfigDiagnostic>();
        var warnings = new List<XlConfigDiagnostic>();
        var scanner = new XlConfigScanner(file, text, errors);
        List<XlConfigSetting> settings = scanner.ReadSettings();

        string? name = null;
        int? memory = null;
        var vifs = new List<VifSpec>();
        var vifLines = new List<int>();
        var unmodelled = new List<(string Key, int Line)>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (XlConfigSetting setting in settings)
        {
            void Error(string message) => errors.Add(new XlConfigDiagnostic(file, setting.Line, message));
            if (firstLine.TryGetValue(setting.Key, out int first))
            {
                Error($"duplicate key '{setting.Key}' (first set on line {first})");
                continue;
            }

            firstLine[setting.Key] = setting.Line;
            XlConfigValue value = setting.Value;
            switch (setting.Key)
            {
                case "name" when value.Kind != XlConfigValueKind.String:
                    Error($"name: expected a quoted string, found {value.Describe()}");
                    break;
                case "name" when XlDomainName.Problem(value.Text) is string problem:
                    Error($"name: {problem}");
                    break;
                case "name":
                    name = value.Text;
                    break;
                case "memory":
                    memory = ParseMemory(value, Error);
                    break;
                case "vif" when value.Kind != XlConfigValueKind.List:
                    Error($"vif: expected a list of vif specs in [ ], found {value.Describe()}");
                    break;
                case "vif":
                    for (int i = 0; i < value.Items.Count; i++)
                    {
                        XlConfigValue item = value.Items[i];
                        if (item.Kind != XlConfigValueKind.String)
                        {
                            errors.Add(new XlConfigDiagnostic(file, item.Line, $"vif {i}: expected a quoted vif spec, found {item.Describe()}"));
                        }
                        else if (VifSpecParser.Parse(file, i, item, errors, warnings, unmodelled) is VifSpec vif)
                        {
                            vifs.Add(vif);
                            vifLines.Add(item.Line);
                        }
                    }

                    break;
                default:
                    if (XlUnmodelledKeys.Domain.Contains(setting.Key))
                    {
                        unmodelled.Add((setting.Key, setting.Line));
                    }
                    else
                    {
                        warnings.Add(new XlConfigDiagnostic(file, setting.Line, $"ignoring unknown key '{setting.Key}'"));
                    }

                    break;
            }
        }

        if (unmodelled.Count > 0)
        {
            unmodelled.Sort((a, b) => a.Line.CompareTo(b.Line));
            string keys = string.Join(", ", unmodelled.Select((k, i) => i == 0 ? k.Key : $"{k.Key} (line {k.Line})"));
            warnings.Add(new XlConfigDiagnostic(file, unmodelled[0].Line, $"not modelled by XvifSim, ignored: {keys}"));
        }

        if (!scanner.KeysSeen.Contains("name"))
        {
            errors.Add(new XlConfigDiagnostic(file, null, "missing required key 'name'"));
        }

        if (errors.Count > 0 || name is null)
        {
            // Syntax errors were found before the meaning of each key was
            // checked; show them all in file order (OrderBy is stable).
            return new XlConfigResult(null, [.. errors.OrderBy(e => e.Line ?? int.MaxValue)], warnings);
        }

        // libxl makes up missing MACs at device-add time, in vif order; doing
        // it here, once the file is known good, keeps a seed's MACs stable.
        List<VifSpec> completed = [.. vifs.Select(v => v.Mac is null ? v with { Mac = XenMac.Generate(random) } : v)];
        return new XlConfigResult(new GuestConfig(name) { MemoryMiB = memory, Vifs = completed }, errors, warnings)
        {
            NameLine = firstLine["name"],
            VifLines = vifLines,
        };
    }

    private static int? ParseMemory(XlConfigValue value, Action<string> error)
    {
        if (value.Kind != XlConfigValueKind.Number)
        {
            error($"memory: expected a number of MiB, found {value.Describe()}");
            return null;
        }

        if (!int.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int mib))
        {
            error($"memory: {value.Text} is out of range");
            return null;
        }

        if (mib < 1)
        {
            error($"memory: must be at least 1 (MiB), not {mib}");
            return null;
        }

        return mib;
    }
}
