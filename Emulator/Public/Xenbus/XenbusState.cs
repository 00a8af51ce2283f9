namespace XvifSim.Public.Xenbus;

/// <summary>The states of a split device's two ends, io/xenbus.h's enum xenbus_state.</summary>
public enum XenbusState
{
    /// <summary>XenbusStateUnknown: no state written.</summary>
    Unknown = 0,
    /// <summary>XenbusStateInitialising: the device is being set up.</summary>
    Initialising = 1,
    /// <summary>InitWait: finished early initialisation, waiting for the other end's details.</summary>
    InitWait = 2,
    /// <summary>Initialised: details published for the other end.</summary>
    Initialised = 3,
    /// <summary>XenbusStateConnected: both ends are ready; the rings are in use.</summary>
    Connected = 4,
    /// <summary>Closing: the device is being shut down.</summary>
    Closing = 5,
    /// <summary>XenbusStateClosed: the device is shut down.</summary>
    Closed = 6,
    /// <summary>XenbusStateReconfiguring: a reconfiguration is in progress.</summary>
    Reconfiguring = 7,
    /// <summary>XenbusStateReconfigured: the reconfiguration is done.</summary>
    Reconfigured = 8,
}
