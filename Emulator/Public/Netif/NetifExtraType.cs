namespace XvifSim.Public.Netif;

/// <summary>
/// Extra-info segment types, io/netif.h's XEN_NETIF_EXTRA_TYPE_*. Xen's
/// header (4.17 and current) stops at HASH with MAX 5; Linux's copy of the
/// header adds XEN_NETIF_EXTRA_TYPE_XDP (5) and MAX 6, which Xen's never took,
/// so this enum follows Xen's.
/// </summary>
public enum NetifExtraType : byte
{
    /// <summary>XEN_NETIF_EXTRA_TYPE_NONE: never used, invalid.</summary>
    None = 0,

    /// <summary>XEN_NETIF_EXTRA_TYPE_GSO: u.gso.</summary>
    Gso = 1,

    /// <summary>XEN_NETIF_EXTRA_TYPE_MCAST_ADD: u.mcast.</summary>
    McastAdd = 2,

    /// <summary>XEN_NETIF_EXTRA_TYPE_MCAST_DEL: u.mcast.</summary>
    McastDel = 3,

    /// <summary>XEN_NETIF_EXTRA_TYPE_HASH: u.hash (since Xen 4.7).</summary>
    Hash = 4,

    /// <summary>XEN_NETIF_EXTRA_TYPE_MAX: types from here up are invalid.</summary>
    Max = 5,
}
