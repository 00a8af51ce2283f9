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

        Span<byte> icmp = TxData(length);
        Span<byte> data = icmp[IcmpHeader.Length..];
        BinaryPrimitives.WriteUInt64BigEndian(data, _clockNs());
        for (int i = PingTimestampLength; i < data.Length; i++)
        {
            data[i] = (byte)i;
        }

        WriteEchoHeader(icmp, IcmpHeader.TypeEchoRequest, identifier, sequence);
        Counters.IcmpEchoRequestsSent++;
        return IpOutput(target, IPv4Header.ProtocolIcmp, length, checksumBlank: false);
    }

    private void IcmpInput(IPv4Address source, bool broadcast, ReadOnlySpan<byte> icmp)
    {
        if (icmp.Length < IcmpHeader.Length)
        {
            Counters.IcmpBadLength++;
            return;
        }

        if (!InternetChecksum.Verifies(InternetChecksum.Add(0, icmp)))
        {
            Counters.IcmpBadChecksum++;
            return;
        }

        byte type = icmp[IcmpHeader.TypeOffset];
        if (type == IcmpHeader.TypeEchoRequest && !broadcast)
        {
            Counters.IcmpEchoRequestsReceived++;
            EchoReply(source, icmp);
        }
        else if (type == IcmpHeader.TypeEchoReply)
        {
            Counters.IcmpEchoRepliesReceived++;
            ReadOnlySpan<byte> data = icmp[IcmpHeader.Length..];
            ulong roundTrip = data.Length >= PingTimestampLength ? _clockNs() - BinaryPrimitives.ReadUInt64BigEndian(data) : 0;
            LastRoundTripNs = roundTrip;
            PingReply?.Invoke(source, ReadU16(icmp, IcmpHeader.IdentifierOffset), ReadU16(icmp, IcmpHeader.SequenceOffset), roundTrip);
        }
        else
        {
            Counters.IcmpIgnored++;
        }
    }

    /// <summary>RFC 792: the reply carries the request's identifier, sequence number and data unchanged.</summary>
    private void EchoReply(IPv4Address source, ReadOnlySpan<byte> request)
    {
        if (!Routable(source) || !Fits(request.Length))
        {
            return;
        }

        Span<byte> icmp = TxData(request.Length);
        request.CopyTo(icmp);
        WriteEchoHeader(icmp, IcmpHeader.TypeEchoReply, ReadU16(request, IcmpHeader.IdentifierOffset), ReadU16(request, IcmpHeader.SequenceOffset));
        Counters.IcmpEchoRepliesSent++;
        IpOutput(source, IPv4Header.ProtocolIcmp, icmp.Length, checksumBlank: false);
    }

    /// <summary>Writes the echo header over data already in place and the checksum over the whole message.</summary>
    private static void WriteEchoHeader(Span<byte> icmp, byte type, ushort identifier, ushort sequence)
    {
        icmp[IcmpHeader.TypeOffset] = type;
        icmp[IcmpHeader.CodeOffset] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpHeader.ChecksumOffset..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpHeader.IdentifierOffset..], identifier);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpHeader.SequenceOffset..], sequence);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[IcmpHeader.ChecksumOffset..], InternetChecksum.Complement(InternetChecksum.Add(0, icmp)));
    }
}
