namespace XvifSim.Public.Netif;

/// <summary>GSO types, io/netif.h's XEN_NETIF_GSO_TYPE_*.</summary>
public enum NetifGsoType : byte
{
    None = 0,
    TcpV4 = 1,
    TcpV6 = 2,
}
