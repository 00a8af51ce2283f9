namespace XvifSim.Public.Netif;

/// <summary>Constants of io/netif.h.</summary>
public static class Netif
{
    /// <summary>XEN_NETIF_NR_SLOTS_MIN: slots a backend must accept for one packet.</summary>
    public const int NrSlotsMin = 18;

    /// <summary>XEN_NETIF_MAX_TX_SIZE: the largest TX packet (the first slot's size is u16).</summary>
    public const int MaxTxSize = 0xFFFF;

    /// <summary>NET_TX_RING_SIZE: 12-byte entries, 256 to the page.</summary>
    public static readonly uint TxRingSize = Rings.SharedRing.Size(NetifTxRequest.Size);

    /// <summary>NET_RX_RING_SIZE: 8-byte entries, 256 to the page.</summary>
    public static readonly uint RxRingSize = Rings.SharedRing.Size(NetifRxRequest.Size);

    /// <summary>ETHER_MAX_LEN_JUMBO (NetBSD): the largest frame xvif accepts from a guest.</summary>
    public const int EtherMaxLenJumbo = 9018;

    /// <summary>ETHER_HDR_LEN: a frame shorter than this is "too short".</summary>
    public const int EtherHdrLen = 14;
}
