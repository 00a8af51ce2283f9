namespace XvifSim.Public.Netif;

/// <summary>The hash-type bits of io/netif.h's control requests, XEN_NETIF_CTRL_HASH_TYPE_*.</summary>
[Flags]
public enum NetifHashTypes : uint
{
    /// <summary>No hash type.</summary>
    None = 0,

    /// <summary>XEN_NETIF_CTRL_HASH_TYPE_IPV4.</summary>
    IPv4 = 1u << NetifHashType.IPv4,

    /// <summary>XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP.</summary>
    IPv4Tcp = 1u << NetifHashType.IPv4Tcp,

    /// <summary>XEN_NETIF_CTRL_HASH_TYPE_IPV6.</summary>
    IPv6 = 1u << NetifHashType.IPv6,

    /// <summary>XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP.</summary>
    IPv6Tcp = 1u << NetifHashType.IPv6Tcp,
}
