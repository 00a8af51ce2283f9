namespace XvifSim.Guest.Net;

/// <summary>
/// What `netstat -s` would show for one <see cref="IpStack"/> (NetBSD's
/// arpstat, ipstat, icmpstat and udpstat, reduced to what this stack does).
/// Updated only on the owning domain's vCPU.
/// </summary>
public sealed class IpStackCounters
{
    /// <summary>Frames shorter than an Ethernet header.</summary>
    public long EtherTooShort;
    /// <summary>Unicast or multicast frames addressed to another MAC (we are not promiscuous).</summary>
    public long EtherNotForUs;
    /// <summary>EtherTypes other than IPv4 and ARP.</summary>
    public long EtherUnknownType;

    public long ArpRequestsReceived;
    public long ArpRepliesReceived;
    public long ArpRequestsSent;
    public long ArpRepliesSent;
    /// <summary>Malformed, not Ethernet/IPv4, an unknown operation, our own frame looped back, or another host claiming our address.</summary>
    public long ArpInvalid;
    /// <summary>Held datagrams dropped because a newer one replaced them (NetBSD keeps one, la_hold).</summary>
    public long ArpHoldReplaced;
    /// <summary>Resolutions given up after the last retry; the held datagram, if any, is dropped with it.</summary>
    public long ArpResolveFailed;
    /// <summary>Entries removed because their lifetime ran out.</summary>
    public long ArpExpired;

    public long IpReceived;
    /// <summary>Too short, not version 4, or lengths that do not fit the frame.</summary>
    public long IpBadHeader;
    public long IpBadChecksum;
    /// <summary>Fragments, dropped because this stack does not reassemble.</summary>
    public long IpFragmentsDropped;
    /// <summary>Datagrams for another address (this stack does not forward).</summary>
    public long IpNotForUs;
    public long IpUnknownProtocol;
    public long IpSent;
    public long IpNoRoute;
    public long IpTooLarge;

    public long IcmpBadLength;
    public long IcmpBadChecksum;
    public long IcmpEchoRequestsReceived;
    public long IcmpEchoRepliesSent;
    public long IcmpEchoRequestsSent;
    public long IcmpEchoRepliesReceived;
    /// <summary>Other ICMP types, and echo requests to a broadcast address (NetBSD's icmpbmcastecho is 0).</summary>
    public long IcmpIgnored;

    public long UdpReceived;
    public long UdpBadLength;
    public long UdpBadChecksum;
    /// <summary>Datagrams received with a zero checksum field, which RFC 768 defines as "no checksum".</summary>
    public long UdpNoChecksum;
    /// <summary>Datagrams for a port nothing is bound to.</summary>
    public long UdpNoPort;
    public long UdpSent;
}
