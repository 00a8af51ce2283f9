namespace XvifSim.Guest.Net;

/// <summary>Which way a frame crossed an interface, from the interface's point of view.</summary>
public enum FrameDirection
{
    /// <summary>Received on the interface (driver to stack).</summary>
    In,
    /// <summary>Sent out through the interface (stack to driver).</summary>
    Out,
}
