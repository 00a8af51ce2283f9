namespace XvifSim.Public.Netif;

/// <summary>Response status values, netif.h's NETIF_RSP_* (s16). An RX status of 0 or more is instead the byte count.</summary>
public enum NetifRsp : short
{
    /// <summary>NETIF_RSP_DROPPED.</summary>
    Dropped = -2,
    /// <summary>NETIF_RSP_ERROR.</summary>
    Error = -1,
    /// <summary>NETIF_RSP_OKAY.</summary>
    Okay = 0,
    /// <summary>NETIF_RSP_NULL: no response (padding for an extra-info slot).</summary>
    Null = 1,
}
