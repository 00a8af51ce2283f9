using System.Buffers.Binary;

namespace XvifSim.Guest.Net;

/// <summary>ICMP echo (RFC 792): answering requests, and ping.</summary>
public sealed partial class IpStack
{
    /// <summary>ping(8) puts its send time at the start of the data; so do we.</summary>
    public const int PingTimestampLength = 8;

    /// <summary>Told of every echo reply received (callers match the identifier, as ping(8) does).</summary>
    public PingReplyHandler? PingReply { get; set; }

    /// <summary>The round trip of the last echo reply received, on the vCPU clock.</summary>
    public ulong LastRoundTripNs { get; private set; }

    /// <summary>
    /// Sends an echo request to <paramref name="target"/> with
    /// <paramref name="payloadLength"/> data bytes: the send time, then the
    /// byte pattern ping(8) uses (each byte its offset).
    /// </summary>
    public IpOutputStatus Ping(IPv4Address target, ushort identifier, ushort sequence, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(payloadLength, PingTimestampLength);
        int length = IcmpHeader.Length + payloadLength;
        if (!Routable(target))
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

        // ping(8)'s data: its send time, then each byte its offset; written
        // once (the application's bytes entering the buffer).
        Span<byte> data = _gather.AsSpan(0, payloadLength);
        BinaryPrimitives.WriteUInt64BigEndian(data, _clockNs());
        for (int i = PingTimestampLength; i < data.Length; i++)
        {
            data[i] = (byte)i;
        }

        packet.CopyFrom(DataOffset + IcmpHeader.Length, data);
        WriteEchoHeader(packet, IcmpHeader.TypeEchoRequest, identifier, sequence, length);
        Counters.IcmpEchoRequestsSent++;
        return IpOutput(packet, target, IPv4Header.ProtocolIcmp, length, checksumBlank: false);
    }

    private void IcmpInput(IPv4Address source, bool broadcast, Datagram icmp)
    {
        if (!icmp.TryHead(IcmpHeader.Length, out Span<byte> header))
        {
            Counters.IcmpBadLength++;
            return;
        }

        if (!InternetChecksum.Verifies(icmp.Checksum(0)))
        {
            Counters.IcmpBadChecksum++;
            return;
        }

        byte type = header[IcmpHeader.TypeOffset];
        if (type == IcmpHeader.TypeEchoRequest && !broadcast)
        {
            Counters.IcmpEchoRequestsReceived++;
            EchoReply(source, icmp);
        }
        else if (type == IcmpHeader.TypeEchoReply)
        {
            Counters.IcmpEchoRepliesReceived++;
            ulong roundTrip = icmp.TryHead(IcmpHeader.Length + PingTimestampLength, out Span<byte> stamped)
                ? _clockNs() - BinaryPrimitives.ReadUInt64BigEndian(stamped[IcmpHeader.Length..])
                : 0;
            LastRoundTripNs = roundTrip;
            PingReply?.Invoke(source, ReadU16(header, IcmpHeader.IdentifierOffset), ReadU16(header, IcmpHeader.SequenceOffset), roundTrip);
        }
        else
        {
            Counters.IcmpIgnored++;
        }
    }

    /// <summary>
    /// RFC 792: the reply carries the request's identifier, sequence number
    /// and data unchanged. Built in a buffer of its own, the request's
    /// message copied in (NetBSD's icmp_reflect turns the request's own mbuf
    /// around instead; the request here may be shared with a bridge's other ports).
    /// </summary>
    private void EchoReply(IPv4Address source, Datagram request)
    {
        if (!Routable(source) || !Fits(request.Length) || !TryBuild(request.Length, out PacketBuffer reply))
        {
            return;
        }

        for (int i = 0, at = 0; at < request.Length + request.Offset && i < request.Packet.SegmentCount; i++)
        {
            // Each piece of the request's message, segment by segment.
            Span<byte> piece = request.Packet.Data(i);
            int start = Math.Max(request.Offset - at, 0);
            int end = Math.Min(piece.Length, request.Offset + request.Length - at);
            if (start < end)
            {
                reply.CopyFrom(DataOffset + at + start - request.Offset, piece[start..end]);
            }

            at += piece.Length;
        }

        request.TryHead(IcmpHeader.Length, out Span<byte> header);
        WriteEchoHeader(reply, IcmpHeader.TypeEchoReply, ReadU16(header, IcmpHeader.IdentifierOffset), ReadU16(header, IcmpHeader.SequenceOffset), request.Length);
        Counters.IcmpEchoRepliesSent++;
        IpOutput(reply, source, IPv4Header.ProtocolIcmp, request.Length, checksumBlank: false);
    }

    /// <summary>Writes the echo header over data already in place and the checksum over the whole message of <paramref name="length"/> bytes.</summary>
    private static void WriteEchoHeader(PacketBuffer packet, byte type, ushort identifier, ushort sequence, int length)
    {
        packet.TryHead(DataOffset + IcmpHeader.Length, out Span<byte> head);
        Span<byte> icmp = head[DataOffset..];
        icmp[IcmpHeader.TypeOffset] = type;
        icmp[IcmpHeader.CodeOffset] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpHeader.ChecksumOffset..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpHeader.IdentifierOffset..], identifier);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpHeader.SequenceOffset..], sequence);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpHeader.ChecksumOffset..], InternetChecksum.Complement(packet.Checksum(0, DataOffset, length)));
    }
}
