using XvifSim.Guest.Net;
using XvifSim.Host.Toolstack;

namespace XvifSim.Cli;

/// <summary>
/// One guest of `xvifsim up`: the xl.cfg it came from, what was read from it,
/// and the address its xennet0 gets on bridge0 (null when it has no vif and so
/// is booted off the network).
/// </summary>
internal sealed record UpGuest(string File, GuestConfig Config, IPv4Address? Address);
