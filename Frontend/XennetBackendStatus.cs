namespace XvifSim.Frontend;

/// <summary>Where the driver stands with its backend (NetBSD's sc_backend_status, BEST_*).</summary>
public enum XennetBackendStatus
{
    /// <summary>BEST_DISCONNECTED: rings may be set up, the handshake has not completed.</summary>
    Disconnected,

    /// <summary>BEST_CONNECTED: keys written and state Connected; the rings are serviced.</summary>
    Connected,

    /// <summary>BEST_SUSPENDED: suspended; the rings are not serviced until resume.</summary>
    Suspended,

    /// <summary>BEST_CLOSED: the backend is closing or the device was detached.</summary>
    Closed,
}
