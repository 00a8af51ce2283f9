using XvifSim.Guest.Net;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// One guest to boot on bridge0: the xl.cfg it came from, what was read from
/// it, and the address its xennet0 gets (null when it has no vif and so is
/// booted off the network).
/// </summary>
internal sealed record PlannedGuest(string File, GuestConfig Config, IPv4Address? Address);
