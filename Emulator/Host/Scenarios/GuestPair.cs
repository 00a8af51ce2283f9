using XvifSim.Guest.Net;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// The two guests most catalogue scenarios use: guest1 (10.0.0.2) and
/// guest2 (10.0.0.3) on bridge0, with fixed MACs so captures and replay
/// input name the same hosts every run.
/// </summary>
internal static class GuestPair
{
    public static readonly MacAddress OneMac = new(0x0016_3E00_0101);
    public static readonly MacAddress TwoMac = new(0x0016_3E00_0201);
    public static readonly IPv4Address OneAddress = IPv4Address.Parse("10.0.0.2");
    public static readonly IPv4Address TwoAddress = IPv4Address.Parse("10.0.0.3");

    /// <summary>Starts both guests and waits for their xennet0 to connect; null (with the failure recorded) if either does not.</summary>
    public static (GuestSystem One, GuestSystem Two)? Start(SimulatedXen xen, List<string> failures)
    {
        GuestSystem one = xen.StartGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = OneMac.ToString() }] }, OneAddress);
        GuestSystem two = xen.StartGuest(new GuestConfig("guest2") { Vifs = [new VifSpec { Mac = TwoMac.ToString() }] }, TwoAddress);
        if (!xen.WaitConnected(one, TimeSpan.FromSeconds(10)) || !xen.WaitConnected(two, TimeSpan.FromSeconds(10)))
        {
            failures.Add("a guest's xennet0 did not connect within 10 s");
            return null;
        }

        return (one, two);
    }
}
