using System.Buffers.Binary;

namespace XvifSim.Guest.Net;

/// <summary>UDP (RFC 768): bound ports, sending with a computed or offloaded checksum, and an echo service.</summary>
public sealed partial class IpStack
{
    /// <summary>The echo service's well-known port (RFC 862).</summary>
    public const ushort EchoPort = 7;

    private readonly Dictionary<ushort, UdpHandler> _udpPorts = [];
    private UdpHandler? _echo;

    /// <summary>Delivers datagrams for <paramref name="port"/> to <paramref name="handler"/>. Binding a bound port is host misuse.</summary>
    public void Bind(ushort port, UdpHandler handler)
    {
        if (!_udpPorts.TryAdd(port, handler))
        {
            throw new InvalidOperationException($"UDP port {port} is already bound on {Interface.Name}");
        }
    }

    /// <summary>Stops delivering datagrams for <paramref name="port"/>.</summary>
    public void Unbind(ushort port) => _udpPorts.Remove(port);

    /// <summary>Answers every datagram on <paramref name="port"/> with the same payload (the RFC 862 echo service).</summary>
    public void EnableUdpEcho(ushort port = EchoPort)
    {
        _echo ??= Echo;
        Bind(port, _echo);
    }

    /// <summary>
    /// Sends <paramref name="payload"/> to <paramref name="destination"/>.
    /// With <paramref name="checksumOffload"/> the checksum field carries only
    /// the pseudo-header sum and the frame goes down with checksumBlank, as
    /// NetBSD's udp_output does for M_CSUM_UDPv4: the driver (or the host that
    /// receives the frame through it) completes the sum over the datagram,
    /// as <see cref="ChecksumOffload.Complete"/> does.
    /// </summary>
    public IpOutputStatus SendTo(IPv4Address destination, ushort destinationPort, ushort sourcePort, ReadOnlySpan<byte> payload, bool checksumOffload = false)
    {
        int length = UdpHeader.Length + payload.Length;
        if (!Routable(destination))
        {
            return IpOutputStatus.NoRoute;
        }

        if (!Fits(length))
        {
            return IpOutputStatus.TooLarge;
        }

        if (!TryBuild(length, out PacketBuffer packet))
        {
            return IpOutputStatus.Dropped;
        }

        packet.TryHead(DataOffset + UdpHeader.Length, out Span<byte> head);
        Span<byte> udp = head[DataOffset..];
        BinaryPrimitives.WriteUInt16BigEndian(udp[UdpHeader.SourcePortOffset..], sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[UdpHeader.DestinationPortOffset..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[UdpHeader.LengthOffset..], (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(udp[UdpHeader.ChecksumOffset..], 0);
        if (!payload.IsEmpty)
        {
            packet.CopyFrom(DataOffset + UdpHeader.Length, payload);
        }

        uint pseudo = InternetChecksum.PseudoHeader(Address, destination, IPv4Header.ProtocolUdp, length);
        ushort checksum;
        if (checksumOffload)
        {
            checksum = InternetChecksum.Fold(pseudo);
        }
        else
        {
            checksum = InternetChecksum.Complement(packet.Checksum(pseudo, DataOffset, length));
            // RFC 768: a computed zero is sent as all ones, zero means "none".
            checksum = checksum == 0 ? (ushort)0xFFFF : checksum;
        }

        BinaryPrimitives.WriteUInt16BigEndian(udp[UdpHeader.ChecksumOffset..], checksum);
        Counters.UdpSent++;
        return IpOutput(packet, destination, IPv4Header.ProtocolUdp, length, checksumOffload);
    }

    private void UdpInput(IPv4Address source, IPv4Address destination, Datagram datagram)
    {
        Counters.UdpReceived++;
        if (datagram.Length < UdpHeader.Length)
        {
            Counters.UdpBadLength++;
            return;
        }

        if (!datagram.TryHead(UdpHeader.Length, out Span<byte> udp))
        {
            Counters.HeadersSplit++;
            return;
        }

        int length = ReadU16(udp, UdpHeader.LengthOffset);
        if (length < UdpHeader.Length || length > datagram.Length)
        {
            Counters.UdpBadLength++;
            return;
        }

        datagram = datagram with { Length = length };
        if (ReadU16(udp, UdpHeader.ChecksumOffset) == 0)
        {
            Counters.UdpNoChecksum++;
        }
        else if (!InternetChecksum.Verifies(datagram.Checksum(InternetChecksum.PseudoHeader(source, destination, IPv4Header.ProtocolUdp, length))))
        {
            Counters.UdpBadChecksum++;
            return;
        }

        ushort destinationPort = ReadU16(udp, UdpHeader.DestinationPortOffset);
        if (!_udpPorts.TryGetValue(destinationPort, out UdpHandler? handler))
        {
            Counters.UdpNoPort++;
            return;
        }

        // The payload in place when the datagram lies in one segment; a
        // chained one is gathered for the handler, which takes one span.
        ReadOnlySpan<byte> payload = datagram.TryHead(length, out Span<byte> whole)
            ? whole[UdpHeader.Length..]
            : Gather(datagram.Packet, datagram.Offset + UdpHeader.Length, length - UdpHeader.Length);
        handler(source, ReadU16(udp, UdpHeader.SourcePortOffset), destinationPort, payload);
    }

    private ReadOnlySpan<byte> Gather(PacketBuffer packet, int offset, int length)
    {
        Span<byte> gathered = _gather.AsSpan(0, length);
        packet.CopyTo(offset, gathered);
        return gathered;
    }

    private void Echo(IPv4Address source, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload) =>
        SendTo(source, sourcePort, destinationPort, payload);
}
