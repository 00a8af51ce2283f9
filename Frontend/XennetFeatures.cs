namespace XvifSim.Frontend;

/// <summary>
/// What the backend offers, as xennet reads it at attach (if_xennet_xenbus.c
/// rev 1.128 FEATURE_* bits, printed with snprintb "\20\1IPV6-CSUM\2SG\3RX-COPY").
/// Each key counts only if it reads exactly 1.
/// </summary>
[Flags]
public enum XennetFeatures
{
    /// <summary>The backend offered none of the optional features.</summary>
    None = 0,

    /// <summary>feature-ipv6-csum-offload: the backend takes csum_blank on IPv6 frames.</summary>
    Ipv6CsumOffload = 1 << 0,

    /// <summary>feature-sg: the backend takes multi-slot TX chains (netif.h "feature-sg").</summary>
    ScatterGather = 1 << 1,

    /// <summary>feature-rx-copy: the backend grant-copies into posted RX buffers.</summary>
    RxCopy = 1 << 2,
}
