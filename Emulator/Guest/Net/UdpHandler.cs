namespace XvifSim.Guest.Net;

/// <summary>Receives a UDP datagram bound with <see cref="IpStack.Bind"/>. The payload is valid only during the call.</summary>
public delegate void UdpHandler(IPv4Address source, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload);
