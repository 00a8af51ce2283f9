using XvifSim.Guest.Net;

namespace XvifSim.Host;

/// <summary>
/// How a guest is brought up beyond its xl.cfg: its address, and which driver
/// runs each end of each vif (the stock xennet and xvif unless chosen).
/// </summary>
public sealed record GuestOptions
{
    /// <summary>
    /// The IPv4 address (/24 on bridge0's 10.0.0.0 network) the guest gives
    /// <see cref="Interface"/> when it attaches, as its rc.conf would; null
    /// picks 10.0.0.(domid + 1).
    /// </summary>
    public IPv4Address? Address { get; init; }

    /// <summary>
    /// The interface the guest configures with <see cref="Address"/> and an
    /// IP stack (ARP, ICMP echo, UDP): the one vif 0's frontend attaches.
    /// xennet names it xennet0; a custom frontend names its own.
    /// </summary>
    public string Interface { get; init; } = "xennet0";

    /// <summary>The frontend driver of every vif not named in <see cref="FrontendByVif"/>.</summary>
    public VifDriver Frontend { get; init; } = VifDriver.Xennet;

    /// <summary>The backend driver, in dom0, of every vif not named in <see cref="BackendByVif"/>.</summary>
    public VifDriver Backend { get; init; } = VifDriver.Xvif;

    /// <summary>Frontend drivers of chosen vifs, by vif handle (0 for the first vif of the config).</summary>
    public IReadOnlyDictionary<int, VifDriver> FrontendByVif { get; init; } = new Dictionary<int, VifDriver>();

    /// <summary>Backend drivers of chosen vifs, by vif handle.</summary>
    public IReadOnlyDictionary<int, VifDriver> BackendByVif { get; init; } = new Dictionary<int, VifDriver>();

    /// <summary>The frontend driver of vif <paramref name="handle"/>.</summary>
    public VifDriver FrontendFor(int handle) => FrontendByVif.GetValueOrDefault(handle, Frontend);

    /// <summary>The backend driver of vif <paramref name="handle"/>.</summary>
    public VifDriver BackendFor(int handle) => BackendByVif.GetValueOrDefault(handle, Backend);
}
