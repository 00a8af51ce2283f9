namespace XvifSim.Guest.Net;

/// <summary>Where an interface hands received frames (the protocol stack, or a bridge port). The frame is valid only during the call.</summary>
public delegate void FrameHandler(NetworkInterface iface, ReadOnlySpan<byte> frame);
