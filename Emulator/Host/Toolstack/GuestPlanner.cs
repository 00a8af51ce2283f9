using XvifSim.Guest.Net;
using XvifSim.Host.Systems;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// Checks what the xl.cfg parser cannot, because it needs all the guests or
/// this host, and numbers the guests on bridge0 (10.0.0.0/22, dom0 at .1):
/// unique names (libxl__domain_rename refuses a name another domain holds),
/// unique MACs (two vifs with one MAC on one bridge take each other's
/// frames), unique vifnames, vifs on the one bridge dom0 has, and addresses
/// on bridge0's subnet that nobody else holds. Each problem is a
/// <c>file:line</c> diagnostic, so nothing need start to find it.
/// </summary>
internal static class GuestPlanner
{
    /// <summary>bridge0's prefix length.</summary>
    public const int PrefixLength = SimulatedXen.Bridge0PrefixLength;

    /// <summary>bridge0's network address: dom0's address masked to <see cref="PrefixLength"/> bits.</summary>
    public static IPv4Address Subnet => new(SimulatedXen.Dom0Address.Value & IPv4Address.Netmask(PrefixLength).Value);

    /// <summary>
    /// The guests of <paramref name="loaded"/>, in order, each with the
    /// address its vif 0 asked for or the next free one from .2; every
    /// problem is added to <paramref name="errors"/>.
    /// </summary>
    internal static List<PlannedGuest> Plan(IReadOnlyList<(string File, XlConfigResult Parsed)> loaded, List<XlConfigDiagnostic> errors)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(errors);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var macs = new Dictionary<string, string>(StringComparer.Ordinal);
        var vifNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new HashSet<IPv4Address> { SimulatedXen.Dom0Address };
        var chosen = new IPv4Address?[loaded.Count];
        for (int i = 0; i < loaded.Count; i++)
        {
            (string file, XlConfigResult parsed) = loaded[i];
            GuestConfig config = parsed.Config ?? throw new ArgumentException($"{file} did not parse", nameof(loaded));
            int? VifLine(int handle) => handle < parsed.VifLines.Count ? parsed.VifLines[handle] : null;
            string Where(int? line) => line is int l ? $"{file}:{l}" : file;

            if (!names.TryAdd(config.Name, Where(parsed.NameLine)))
            {
                errors.Add(new XlConfigDiagnostic(file, parsed.NameLine, $"name '{config.Name}' is already used by {names[config.Name]}"));
            }

            for (int handle = 0; handle < config.Vifs.Count; handle++)
            {
                VifSpec vif = config.Vifs[handle];
                void Error(string message) => errors.Add(new XlConfigDiagnostic(file, VifLine(handle), $"vif {handle}: {message}"));
                if (vif.Bridge != VifSpec.DefaultBridge)
                {
                    Error($"bridge '{vif.Bridge}' does not exist: dom0 here has only {VifSpec.DefaultBridge}");
                }

                if (vif.Mac is string mac && !macs.TryAdd(mac, Where(VifLine(handle))))
                {
                    Error($"mac {mac} is already used by {macs[mac]}");
                }

                if (vif.VifName is string vifName && !vifNames.TryAdd(vifName, Where(VifLine(handle))))
                {
                    Error($"vifname '{vifName}' is already used by {vifNames[vifName]}");
                }
            }

            // xl allows several addresses; the guest's xennet0 takes the first.
            if (config.Vifs.Count > 0 && config.Vifs[0].Ip?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] is string ip)
            {
                void Error(string message) => errors.Add(new XlConfigDiagnostic(file, VifLine(0), $"vif 0: {message}"));
                if (!IPv4Address.TryParse(ip, out IPv4Address address) || !OnBridge(address))
                {
                    Error($"ip '{ip}' is not a host address in {VifSpec.DefaultBridge}'s subnet {Subnet}/{PrefixLength}");
                }
                else if (!taken.Add(address))
                {
                    Error($"ip '{ip}' is already taken ({(address == SimulatedXen.Dom0Address ? "dom0's bridge0" : "by another guest")})");
                }
                else
                {
                    chosen[i] = address;
                }
            }
        }

        var guests = new List<PlannedGuest>();
        uint next = Subnet.Value + 2;
        for (int i = 0; i < loaded.Count; i++)
        {
            (string file, XlConfigResult parsed) = loaded[i];
            GuestConfig config = parsed.Config!;
            IPv4Address? address = chosen[i];
            if (address is null && config.Vifs.Count > 0)
            {
                while (taken.Contains(new IPv4Address(next)))
                {
                    next++;
                }

                if (!OnBridge(new IPv4Address(next)))
                {
                    errors.Add(new XlConfigDiagnostic(file, parsed.VifLines.Count > 0 ? parsed.VifLines[0] : null, $"vif 0: no address left for {config.Name} in {Subnet}/{PrefixLength}"));
                    continue;
                }

                address = new IPv4Address(next);
                taken.Add(address.Value);
            }

            guests.Add(new PlannedGuest(file, config, address));
        }

        return guests;
    }

    /// <summary>A host address of bridge0's subnet: not the network's own address nor its broadcast.</summary>
    private static bool OnBridge(IPv4Address address)
    {
        uint mask = IPv4Address.Netmask(PrefixLength).Value;
        uint host = address.Value & ~mask;
        return (address.Value & mask) == Subnet.Value && host != 0 && host != ~mask;
    }
}
