namespace XvifSim.Guest.Net;

/// <summary>
/// Where an interface hands received frames (the protocol stack, or a bridge
/// port). The handler borrows <paramref name="packet"/> for the call: it takes
/// a reference (<see cref="PacketBuffer.Hold"/>) to keep or forward it.
/// </summary>
public delegate void FrameHandler(NetworkInterface iface, PacketBuffer packet);
