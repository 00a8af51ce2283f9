namespace XvifSim.Public.XenStore;

/// <summary>
/// The server_features bits of the ring page (xs_wire.h). The server only
/// ever sets bits; a guest ignores bits it does not know. RECONNECTION and
/// ERROR are in Xen 4.17's header; WATCHDEPTH and DOMID_ANY only in the
/// current one, which Public follows.
/// </summary>
[Flags]
public enum XenstoreServerFeatures : uint
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>XENSTORE_SERVER_FEATURE_RECONNECTION: the connection field is honoured.</summary>
    Reconnection = 1,

    /// <summary>XENSTORE_SERVER_FEATURE_ERROR: the error field is valid.</summary>
    Error = 2,

    /// <summary>XENSTORE_SERVER_FEATURE_WATCHDEPTH: WATCH takes an optional depth.</summary>
    WatchDepth = 4,

    /// <summary>XENSTORE_SERVER_FEATURE_DOMID_ANY: permissions may name DOMID_ANY.</summary>
    DomIdAny = 8,
}
