namespace XvifSim.Guest.Net;

/// <summary>What a received packet's hash was computed over (Linux's <c>enum pkt_hash_types</c>).</summary>
public enum PacketHashKind : byte
{
    /// <summary>PKT_HASH_TYPE_NONE: the packet carries no hash.</summary>
    None = 0,

    /// <summary>PKT_HASH_TYPE_L3: over the IP addresses.</summary>
    L3 = 2,

    /// <summary>PKT_HASH_TYPE_L4: over the IP addresses and the transport ports.</summary>
    L4 = 3,
}
