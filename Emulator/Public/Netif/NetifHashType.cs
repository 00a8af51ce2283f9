namespace XvifSim.Public.Netif;

/// <summary>
/// Hash types by number, io/netif.h's <c>_XEN_NETIF_CTRL_HASH_TYPE_*</c>: what
/// a HASH extra's <c>u.hash.type</c> holds. The bit a control request sets for
/// each is <c>1 &lt;&lt; value</c> (<see cref="NetifHashTypes"/>).
/// </summary>
public enum NetifHashType : byte
{
    /// <summary>_XEN_NETIF_CTRL_HASH_TYPE_IPV4: over the IPv4 source and destination addresses.</summary>
    IPv4 = 0,

    /// <summary>_XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP: IPv4 addresses and TCP ports.</summary>
    IPv4Tcp = 1,

    /// <summary>_XEN_NETIF_CTRL_HASH_TYPE_IPV6: over the IPv6 source and destination addresses.</summary>
    IPv6 = 2,

    /// <summary>_XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP: IPv6 addresses and TCP ports.</summary>
    IPv6Tcp = 3,
}
