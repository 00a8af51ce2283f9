namespace XvifSim.Public.Xenbus;

/// <summary>The states of a split device's two ends, io/xenbus.h's enum xenbus_state.</summary>
public enum XenbusState
{
    Unknown = 0,
    Initialising = 1,
    /// <summary>InitWait: finished early initialisation, waiting for the other end's details.</summary>
    InitWait = 2,
    /// <summary>Initialised: details published for the other end.</summary>
    Initialised = 3,
    Connected = 4,
    /// <summary>Closing: the device is being shut down.</summary>
    Closing = 5,
    Closed = 6,
    Reconfiguring = 7,
    Reconfigured = 8,
}
