namespace XvifSim.Public.Netif;

/// <summary>Hash algorithms, io/netif.h's XEN_NETIF_CTRL_HASH_ALGORITHM_*: a HASH extra's <c>u.hash.algorithm</c>.</summary>
public enum NetifHashAlgorithm : byte
{
    /// <summary>XEN_NETIF_CTRL_HASH_ALGORITHM_NONE.</summary>
    None = 0,

    /// <summary>XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ.</summary>
    Toeplitz = 1,
}
