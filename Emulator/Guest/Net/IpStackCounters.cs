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

    /// <summary>ARP requests received for any address.</summary>
    public long ArpRequestsReceived;
    /// <summary>ARP replies received.</summary>
    public long ArpRepliesReceived;
    /// <summary>ARP requests sent.</summary>
    public long ArpRequestsSent;
    /// <summary>ARP replies sent.</summary>
    public long ArpRepliesSent;
    /// <summary>Malformed, not Ethernet/IPv4, an unknown operation, our own frame looped back, or another host claiming our address.</summary>
    public long ArpInvalid;
    /// <summary>Held datagrams dropped because a newer one replaced them (NetBSD keeps one, la_hold).</summary>
    public long ArpHoldReplaced;
    /// <summary>Resolutions given up after the last retry; the held datagram, if any, is dropped with it.</summary>
    public long ArpResolveFailed;
    /// <summary>Entries removed because their lifetime ran out.</summary>
    public long ArpExpired;

    /// <summary>IPv4 packets received.</summary>
    public long IpReceived;
    /// <summary>Too short, not version 4, or lengths that do not fit the frame.</summary>
    public long IpBadHeader;
    /// <summary>IPv4 packets dropped for a bad header checksum.</summary>
    public long IpBadChecksum;
    /// <summary>Fragments, dropped because this stack does not reassemble.</summary>
    public long IpFragmentsDropped;
    /// <summary>Datagrams for another address (this stack does not forward).</summary>
    public long IpNotForUs;
    /// <summary>IPv4 packets of a protocol the stack does not speak.</summary>
    public long IpUnknownProtocol;
    /// <summary>
    /// Frames dropped because their headers do not lie in the first segment of
    /// their buffer: NetBSD's m_pullup would gather them, this stack counts
    /// and drops them (ips_toosmall). Neither driver makes such frames.
    /// </summary>
    public long HeadersSplit;
    /// <summary>Frames not built because the domain's packet pool had no buffer (ENOBUFS).</summary>
    public long NoBuffers;
    /// <summary>IPv4 packets sent.</summary>
    public long IpSent;
    /// <summary>Packets not sent for want of a route (off-subnet).</summary>
    public long IpNoRoute;
    /// <summary>Packets not sent for exceeding the MTU (no fragmentation).</summary>
    public long IpTooLarge;

    /// <summary>ICMP messages too short.</summary>
    public long IcmpBadLength;
    /// <summary>ICMP messages with a bad checksum.</summary>
    public long IcmpBadChecksum;
    /// <summary>Echo requests received.</summary>
    public long IcmpEchoRequestsReceived;
    /// <summary>Echo replies sent.</summary>
    public long IcmpEchoRepliesSent;
    /// <summary>Echo requests sent.</summary>
    public long IcmpEchoRequestsSent;
    /// <summary>Echo replies received.</summary>
    public long IcmpEchoRepliesReceived;
    /// <summary>Other ICMP types, and echo requests to a broadcast address (NetBSD's icmpbmcastecho is 0).</summary>
    public long IcmpIgnored;

    /// <summary>UDP datagrams received.</summary>
    public long UdpReceived;
    /// <summary>UDP datagrams with a bad length.</summary>
    public long UdpBadLength;
    /// <summary>UDP datagrams with a bad checksum.</summary>
    public long UdpBadChecksum;
    /// <summary>Datagrams received with a zero checksum field, which RFC 768 defines as "no checksum".</summary>
    public long UdpNoChecksum;
    /// <summary>Datagrams for a port nothing is bound to.</summary>
    public long UdpNoPort;
    /// <summary>UDP datagrams sent.</summary>
    public long UdpSent;
}
