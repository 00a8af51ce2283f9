namespace XvifSim.Guest.Net;

/// <summary>
/// Told of each ICMP echo reply (RFC 792) the stack receives. The round trip
/// is measured on the vCPU clock from the send time that
/// <see cref="IpStack.Ping"/> wrote into the payload, as ping(8) does.
/// </summary>
public delegate void PingReplyHandler(IPv4Address source, ushort identifier, ushort sequence, ulong roundTripNs);
