namespace XvifSim.Public.Netif;

/// <summary>GSO types, io/netif.h's XEN_NETIF_GSO_TYPE_*.</summary>
public enum NetifGsoType : byte
{
    /// <summary>XEN_NETIF_GSO_TYPE_NONE.</summary>
    None = 0,
    /// <summary>XEN_NETIF_GSO_TYPE_TCPV4.</summary>
    TcpV4 = 1,
    /// <summary>XEN_NETIF_GSO_TYPE_TCPV6.</summary>
    TcpV6 = 2,
}
