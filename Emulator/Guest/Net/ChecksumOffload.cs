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
    /// <summary>Completes the checksum in place. False, with the frame untouched, if it is not IPv4 UDP or its lengths are inconsistent.</summary>
    public static bool Complete(Span<byte> frame)
    {
        if (frame.Length < EthernetFrame.HeaderLength + IPv4Header.MinLength || EthernetFrame.Type(frame) != EthernetFrame.TypeIPv4)
        {
            return false;
        }

        Span<byte> ip = frame[EthernetFrame.HeaderLength..];
        int headerLength = IPv4Header.HeaderLength(ip);
        int totalLength = IPv4Header.TotalLength(ip);
        if (headerLength < IPv4Header.MinLength || totalLength < headerLength || totalLength > ip.Length)
        {
            return false;
        }

        // This stack offloads only UDP (it has no TCP).
        Span<byte> segment = ip[headerLength..totalLength];
        if (IPv4Header.Protocol(ip) != IPv4Header.ProtocolUdp || segment.Length < UdpHeader.Length)
        {
            return false;
        }

        ushort checksum = InternetChecksum.Complement(InternetChecksum.Add(0, segment));
        // RFC 768: a computed zero is sent as all ones.
        BinaryPrimitives.WriteUInt16BigEndian(segment[UdpHeader.ChecksumOffset..], checksum == 0 ? (ushort)0xFFFF : checksum);
        return true;
    }
}
