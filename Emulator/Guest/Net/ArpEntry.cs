namespace XvifSim.Guest.Net;

/// <summary>
/// One slot of an <see cref="IpStack"/>'s ARP cache (NetBSD's llentry): the
/// address pair once resolved, or the request state and the one held frame
/// (la_hold) while incomplete, a reference to its packet buffer. Slots are
/// preallocated and reused so the cache never allocates on the data path.
/// </summary>
internal sealed class ArpEntry
{
    public bool InUse;
    public bool Resolved;
    public IPv4Address Ip;
    public MacAddress Mac;

    /// <summary>When a resolved entry stops being used (vCPU clock).</summary>
    public ulong ExpiresNs;

    /// <summary>When the last request went out for an incomplete entry.</summary>
    public ulong LastRequestNs;

    /// <summary>Requests sent for this resolution (la_asked).</summary>
    public int Asked;

    /// <summary>The datagram waiting for the resolution (la_hold), whose reference the entry holds.</summary>
    public PacketBuffer? Hold;
    public bool HoldChecksumBlank;

    public void Free()
    {
        InUse = false;
        Resolved = false;
        Asked = 0;
        Hold?.Free();
        Hold = null;
    }
}
