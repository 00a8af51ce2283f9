using System.CommandLine;
using XvifSim.Guest.Net;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Cli;

/// <summary>
/// `xvifsim up &lt;guest.cfg&gt;... [--traffic ping|udp|none]`: a user's own
/// guests from their xl.cfg files. Every file is read and checked before
/// anything boots, and every problem in every file is printed, so one run
/// shows all there is to fix.
/// </summary>
internal static class UpCommand
{
    /// <summary>bridge0's subnet, 10.0.0.0/24, where dom0 is 10.0.0.1 and guests are numbered from .2.</summary>
    private const int PrefixLength = 24;

    public static Command Create(Option<int> seed, Option<bool> threaded, Option<string> output)
    {
        var files = new Argument<string[]>("guest.cfg")
        {
            Description = "xl.cfg files, one guest each (keys: name, memory, vif); vif 0 gets ip= if set, else 10.0.0.2, .3, ... in order.",
            Arity = ArgumentArity.OneOrMore,
        };
        var traffic = new Option<string>("--traffic")
        {
            Description = "What the guests do once connected: ping (each pings dom0 and every other guest), udp (a short echo exchange with each), none.",
            DefaultValueFactory = _ => UpSession.Ping,
        };
        traffic.AcceptOnlyFromAmong(UpSession.Ping, UpSession.Udp, UpSession.None);
        var up = new Command("up", "Boot dom0 with bridge0 and the guests of the given xl.cfg files, run traffic between them, report.")
        {
            files, traffic, seed, threaded, output,
        };
        up.SetAction(result =>
        {
            // One source for the MACs libxl makes up, so a seed gives the same guests every run.
            var random = new Random(result.GetValue(seed));
            var errors = new List<XlConfigDiagnostic>();
            var loaded = new List<(string File, GuestConfig Config)>();
            foreach (string file in result.GetValue(files)!)
            {
                XlConfigResult parsed = XlConfigParser.Load(file, random);
                foreach (XlConfigDiagnostic warning in parsed.Warnings)
                {
                    Console.Error.WriteLine($"{warning.File}{(warning.Line is int line ? $":{line}" : "")}: warning: {warning.Message}");
                }

                errors.AddRange(parsed.Errors);
                if (parsed.Config is GuestConfig config)
                {
                    loaded.Add((file, config));
                }
            }

            List<UpGuest> guests = Plan(loaded, errors);
            if (errors.Count > 0)
            {
                foreach (XlConfigDiagnostic error in errors)
                {
                    Console.Error.WriteLine(error);
                }

                Console.Error.WriteLine($"xvifsim up: {errors.Count} error{(errors.Count == 1 ? "" : "s")} in the guest configurations; nothing was started");
                return 2;
            }

            if (!XvifSimCommand.PrepareCaptures(result.GetValue(output)!))
            {
                return 2;
            }

            var options = new ScenarioOptions(result.GetValue(seed), result.GetValue(threaded)) { CaptureDirectory = result.GetValue(output) };
            return UpSession.Run(guests, result.GetValue(traffic)!, options);
        });
        return up;
    }

    /// <summary>
    /// Checks what the parser cannot, because it needs all the guests or this
    /// host: unique names, vifs on the one bridge dom0 has, and addresses on
    /// bridge0's subnet that nobody else holds; then numbers the rest.
    /// </summary>
    private static List<UpGuest> Plan(List<(string File, GuestConfig Config)> loaded, List<XlConfigDiagnostic> errors)
    {
        var nameFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new HashSet<IPv4Address> { SimulatedXen.Dom0Address };
        var chosen = new IPv4Address?[loaded.Count];
        for (int i = 0; i < loaded.Count; i++)
        {
            (string file, GuestConfig config) = loaded[i];
            void Error(string message) => errors.Add(new XlConfigDiagnostic(file, null, message));
            if (!nameFiles.TryAdd(config.Name, file))
            {
                Error($"name '{config.Name}' is already used by {nameFiles[config.Name]}");
            }

            for (int handle = 0; handle < config.Vifs.Count; handle++)
            {
                if (config.Vifs[handle].Bridge != VifSpec.DefaultBridge)
                {
                    Error($"vif {handle}: bridge '{config.Vifs[handle].Bridge}' does not exist: dom0 here has only {VifSpec.DefaultBridge}");
                }
            }

            // xl allows several addresses; the guest's xennet0 takes the first.
            if (config.Vifs.Count > 0 && config.Vifs[0].Ip?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] is string ip)
            {
                if (!IPv4Address.TryParse(ip, out IPv4Address address) || !OnBridge(address))
                {
                    Error($"vif 0: ip '{ip}' is not a host address in {VifSpec.DefaultBridge}'s subnet {Subnet}/{PrefixLength}");
                }
                else if (!taken.Add(address))
                {
                    Error($"vif 0: ip '{ip}' is already taken ({(address == SimulatedXen.Dom0Address ? "dom0's bridge0" : "by another guest")})");
                }
                else
                {
                    chosen[i] = address;
                }
            }
        }

        var guests = new List<UpGuest>();
        uint next = Subnet.Value + 2;
        for (int i = 0; i < loaded.Count; i++)
        {
            (string file, GuestConfig config) = loaded[i];
            IPv4Address? address = chosen[i];
            if (address is null && config.Vifs.Count > 0)
            {
                while (taken.Contains(new IPv4Address(next)))
                {
                    next++;
                }

                if (!OnBridge(new IPv4Address(next)))
                {
                    errors.Add(new XlConfigDiagnostic(file, null, $"no address left for {config.Name} in {Subnet}/{PrefixLength}"));
                    continue;
                }

                address = new IPv4Address(next);
                taken.Add(address.Value);
            }

            guests.Add(new UpGuest(file, config, address));
        }

        return guests;
    }

    private static IPv4Address Subnet => new(SimulatedXen.Dom0Address.Value & IPv4Address.Netmask(PrefixLength).Value);

    /// <summary>A host address of bridge0's subnet: not the network's own address nor its broadcast.</summary>
    private static bool OnBridge(IPv4Address address)
    {
        uint host = address.Value & ~IPv4Address.Netmask(PrefixLength).Value;
        return (address.Value & IPv4Address.Netmask(PrefixLength).Value) == Subnet.Value && host != 0 && host != ~IPv4Address.Netmask(PrefixLength).Value;
    }
}
