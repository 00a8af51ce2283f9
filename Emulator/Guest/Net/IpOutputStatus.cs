namespace XvifSim.Guest.Net;

/// <summary>What became of a datagram the stack was asked to send. Failures are values: a peer or the network causes them.</summary>
public enum IpOutputStatus
{
    /// <summary>Handed to the interface.</summary>
    Sent,
    /// <summary>Held until ARP resolves the destination (it replaces any datagram already held for it).</summary>
    Queued,
    /// <summary>The destination is not on the interface's subnet (this stack has no gateway), or is the stack's own address (no loopback).</summary>
    NoRoute,
    /// <summary>The datagram does not fit the interface MTU, and this stack does not fragment.</summary>
    TooLarge,
    /// <summary>The interface refused the frame (down, or the driver dropped it); it counted the drop.</summary>
    Dropped,
}
