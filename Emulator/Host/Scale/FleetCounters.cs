using XvifSim.Backend;
using XvifSim.Host.Systems;

namespace XvifSim.Host.Scale;

/// <summary>
/// The counters that say what became of the fleet's echoes, summed: dom0's
/// ICMP and ARP counters, every guest's (with the datagrams its ARP hold
/// lost), and the drops of every xvif's RX
/// queue (if_oqdrops). Read on the host's thread between scheduler runs.
/// </summary>
internal readonly record struct FleetCounters(
    long Dom0EchoRequestsReceived,
    long Dom0EchoRepliesSent,
    long GuestEchoRepliesReceived,
    long GuestArpRequestsSent,
    long GuestArpHoldLost,
    long XvifOutDrops)
{
    public static FleetCounters Read(SimulatedXen xen, GuestSystem[] guests)
    {
        long replies = 0, arp = 0, held = 0, drops = 0;
        foreach (GuestSystem guest in guests)
        {
            replies += guest.Ip?.Counters.IcmpEchoRepliesReceived ?? 0;
            arp += guest.Ip?.Counters.ArpRequestsSent ?? 0;
            held += (guest.Ip?.Counters.ArpHoldReplaced ?? 0) + (guest.Ip?.Counters.ArpResolveFailed ?? 0);
        }

        foreach (XvifInstance xvif in xen.Dom0.Xvif.Instances)
        {
            drops += xvif.Interface.Counters.OutDrops;
        }

        return new FleetCounters(xen.Dom0.Ip.Counters.IcmpEchoRequestsReceived, xen.Dom0.Ip.Counters.IcmpEchoRepliesSent, replies, arp, held, drops);
    }

    public FleetCounters Minus(FleetCounters before) => new(
        Dom0EchoRequestsReceived - before.Dom0EchoRequestsReceived,
        Dom0EchoRepliesSent - before.Dom0EchoRepliesSent,
        GuestEchoRepliesReceived - before.GuestEchoRepliesReceived,
        GuestArpRequestsSent - before.GuestArpRequestsSent,
        GuestArpHoldLost - before.GuestArpHoldLost,
        XvifOutDrops - before.XvifOutDrops);
}
