namespace XvifSim.Public.Trace;

/// <summary>Which ring a ring record is about; it says how the entry bytes decode (netif.h).</summary>
public enum TraceRingKind : byte
{
    /// <summary>The netif TX ring: netif_tx_request and netif_tx_response entries.</summary>
    NetifTx = 1,
    /// <summary>The netif RX ring: netif_rx_request and netif_rx_response entries.</summary>
    NetifRx = 2,
}
