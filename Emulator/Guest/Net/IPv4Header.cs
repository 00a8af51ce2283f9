using System.Buffers.Binary;

namespace XvifSim.Guest.Net;

/// <summary>The IPv4 header (RFC 791 section 3.1): named offsets over a span that starts at the header.</summary>
public static class IPv4Header
{
    /// <summary>Offset of the version and header-length byte.</summary>
    public const int VersionIhlOffset = 0;
    /// <summary>Offset of the type-of-service byte.</summary>
    public const int TosOffset = 1;
    /// <summary>Offset of the total length.</summary>
    public const int TotalLengthOffset = 2;
    /// <summary>Offset of the identification.</summary>
    public const int IdentificationOffset = 4;
    /// <summary>Offset of the flags and fragment offset.</summary>
    public const int FlagsFragmentOffset = 6;
    /// <summary>Offset of the time to live.</summary>
    public const int TtlOffset = 8;
    /// <summary>Offset of the protocol.</summary>
    public const int ProtocolOffset = 9;
    /// <summary>Offset of the header checksum.</summary>
    public const int ChecksumOffset = 10;
    /// <summary>Offset of the source address.</summary>
    public const int SourceOffset = 12;
    /// <summary>Offset of the destination address.</summary>
    public const int DestinationOffset = 16;

    /// <summary>A header without options; this stack never sends options.</summary>
    public const int MinLength = 20;

    /// <summary>The MF ("more fragments") bit of the flags/fragment-offset word.</summary>
    public const ushort MoreFragments = 0x2000;

    /// <summary>The DF ("don't fragment") bit.</summary>
    public const ushort DontFragment = 0x4000;

    /// <summary>The 13-bit fragment offset, in 8-byte units.</summary>
    public const ushort FragmentOffsetMask = 0x1FFF;

    /// <summary>IPPROTO_ICMP.</summary>
    public const byte ProtocolIcmp = 1;
    /// <summary>IPPROTO_UDP.</summary>
    public const byte ProtocolUdp = 17;

    /// <summary>NetBSD's default TTL (net.inet.ip.ttl, IPDEFTTL).</summary>
    public const byte DefaultTtl = 64;

    /// <summary>The header length in bytes from the IHL field (32-bit words).</summary>
    public static int HeaderLength(ReadOnlySpan<byte> ip) => (ip[VersionIhlOffset] & 0x0F) * 4;

    /// <summary>The version field (4 for IPv4).</summary>
    public static int Version(ReadOnlySpan<byte> ip) => ip[VersionIhlOffset] >> 4;

    /// <summary>The total length field.</summary>
    public static int TotalLength(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[TotalLengthOffset..]);

    /// <summary>The flags and fragment offset field.</summary>
    public static ushort FlagsFragment(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[FlagsFragmentOffset..]);

    /// <summary>The protocol field.</summary>
    public static byte Protocol(ReadOnlySpan<byte> ip) => ip[ProtocolOffset];

    /// <summary>The source address.</summary>
    public static IPv4Address Source(ReadOnlySpan<byte> ip) => IPv4Address.FromBytes(ip[SourceOffset..]);

    /// <summary>The destination address.</summary>
    public static IPv4Address Destination(ReadOnlySpan<byte> ip) => IPv4Address.FromBytes(ip[DestinationOffset..]);

    /// <summary>
    /// Writes a 20-byte header with DF set (this stack never fragments, so it
    /// asks the path not to either) and its checksum.
    /// </summary>
    public static void Write(Span<byte> ip, int totalLength, ushort identification, byte protocol, IPv4Address source, IPv4Address destination)
    {
        ip[VersionIhlOffset] = 0x45;
        ip[TosOffset] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[TotalLengthOffset..], (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[IdentificationOffset..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(ip[FlagsFragmentOffset..], DontFragment);
        ip[TtlOffset] = DefaultTtl;
        ip[ProtocolOffset] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(ip[ChecksumOffset..], 0);
        source.CopyTo(ip[SourceOffset..]);
        destination.CopyTo(ip[DestinationOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[ChecksumOffset..], InternetChecksum.Complement(InternetChecksum.Add(0, ip[..MinLength])));
    }
}
