namespace XvifSim.Public.XenStore;

/// <summary>The connection field of the ring page (xs_wire.h).</summary>
public enum XenstoreConnectionState : uint
{
    /// <summary>XENSTORE_CONNECTED: only the server writes this value.</summary>
    Connected = 0,

    /// <summary>XENSTORE_RECONNECT: only the guest writes this value, to ask for a reset.</summary>
    Reconnect = 1,
}
