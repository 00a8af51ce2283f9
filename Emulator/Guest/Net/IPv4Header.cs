using System.Buffers.Binary;

namespace XvifSim.Guest.Net;

/// <summary>The IPv4 header (RFC 791 section 3.1): named offsets over a span that starts at the header.</summary>
public static class IPv4Header
{
    public const int VersionIhlOffset = 0;
    public const int TosOffset = 1;
    public const int TotalLengthOffset = 2;
    public const int IdentificationOffset = 4;
    public const int FlagsFragmentOffset = 6;
    public const int TtlOffset = 8;
    public const int ProtocolOffset = 9;
    public const int ChecksumOffset = 10;
    public const int SourceOffset = 12;
    public const int DestinationOffset = 16;

    /// <summary>A header without options; this stack never sends options.</summary>
    public const int MinLength = 20;

    /// <summary>The MF ("more fragments") bit of the flags/fragment-offset word.</summary>
    public const ushort MoreFragments = 0x2000;

    /// <summary>The DF ("don't fragment") bit.</summary>
    public const ushort DontFragment = 0x4000;

    /// <summary>The 13-bit fragment offset, in 8-byte units.</summary>
    public const ushort FragmentOffsetMask = 0x1FFF;

    public const byte ProtocolIcmp = 1;
    public const byte ProtocolUdp = 17;

    /// <summary>NetBSD's default TTL (net.inet.ip.ttl, IPDEFTTL).</summary>
    public const byte DefaultTtl = 64;

    /// <summary>The header length in bytes from the IHL field (32-bit words).</summary>
    public static int HeaderLength(ReadOnlySpan<byte> ip) => (ip[VersionIhlOffset] & 0x0F) * 4;

    public static int Version(ReadOnlySpan<byte> ip) => ip[VersionIhlOffset] >> 4;

    public static int TotalLength(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[TotalLengthOffset..]);

    public static ushort FlagsFragment(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[FlagsFragmentOffset..]);

    public static byte Protocol(ReadOnlySpan<byte> ip) => ip[ProtocolOffset];

    public static IPv4Address Source(ReadOnlySpan<byte> ip) => IPv4Address.FromBytes(ip[SourceOffset..]);

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
