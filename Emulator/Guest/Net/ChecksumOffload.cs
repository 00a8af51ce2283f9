using System.Buffers.Binary;

namespace XvifSim.Guest.Net;

/// <summary>
/// Completes a UDP checksum the stack left to the driver
/// (checksumBlank, NETTXF_csum_blank / NETRXF_csum_blank): the field holds the
/// pseudo-header sum, so summing the whole segment over it and complementing
/// gives the final value. This is what NetBSD's xennet_checksum_fill does
/// (through in_undefer_cksum) before a blank-checksum packet is used.
/// </summary>
public static class ChecksumOffload
{
    /// <summary>
    /// Completes the checksum in place, summing the datagram across the
    /// buffer's segments (in_cksum over an mbuf chain). False, with the frame
    /// untouched, if it is not IPv4 UDP, its lengths are inconsistent, or its
    /// headers do not lie in the first segment. Only for a buffer its caller
    /// holds alone (the driver that just received or is about to send it).
    /// </summary>
    public static bool Complete(PacketBuffer packet)
    {
        if (!packet.TryHead(EthernetFrame.HeaderLength + IPv4Header.MinLength, out Span<byte> head) || EthernetFrame.Type(head) != EthernetFrame.TypeIPv4)
        {
            return false;
        }

        Span<byte> ip = head[EthernetFrame.HeaderLength..];
        int headerLength = IPv4Header.HeaderLength(ip);
        int totalLength = IPv4Header.TotalLength(ip);
        if (headerLength < IPv4Header.MinLength || totalLength < headerLength || EthernetFrame.HeaderLength + totalLength > packet.Length)
        {
            return false;
        }

        // This stack offloads only UDP (it has no TCP).
        int udpAt = EthernetFrame.HeaderLength + headerLength;
        if (IPv4Header.Protocol(ip) != IPv4Header.ProtocolUdp || totalLength - headerLength < UdpHeader.Length
            || !packet.TryHead(udpAt + UdpHeader.Length, out head))
        {
            return false;
        }

        ushort checksum = InternetChecksum.Complement(packet.Checksum(0, udpAt, totalLength - headerLength));
        // RFC 768: a computed zero is sent as all ones.
        BinaryPrimitives.WriteUInt16BigEndian(head[(udpAt + UdpHeader.ChecksumOffset)..], checksum == 0 ? (ushort)0xFFFF : checksum);
        return true;
    }
}
