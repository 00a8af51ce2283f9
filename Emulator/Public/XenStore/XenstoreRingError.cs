namespace XvifSim.Public.XenStore;

/// <summary>
/// The error field of the ring page (xs_wire.h). Any non-zero value means the
/// server has stopped serving the ring.
/// </summary>
public enum XenstoreRingError : uint
{
    /// <summary>XENSTORE_ERROR_NONE.</summary>
    None = 0,

    /// <summary>XENSTORE_ERROR_COMM: a communication problem.</summary>
    Comm = 1,

    /// <summary>XENSTORE_ERROR_RINGIDX: an index moved further than the ring allows.</summary>
    RingIdx = 2,

    /// <summary>XENSTORE_ERROR_PROTO: a message's len is over XENSTORE_PAYLOAD_MAX.</summary>
    Proto = 3,
}
