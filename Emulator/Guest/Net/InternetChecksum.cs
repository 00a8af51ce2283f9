using System.Buffers.Binary;

namespace XvifSim.Guest.Net;

/// <summary>
/// The Internet checksum (RFC 1071): the ones' complement of the ones'
/// complement sum of 16-bit big-endian words. Sums are kept unfolded in a
/// 32-bit accumulator so partial sums (a pseudo header, then a segment) can be
/// chained, and folded once at the end.
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to <paramref name="sum"/>; an odd last byte is padded with zero (RFC 1071 section 4.1).</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        // 64-bit accumulator: a 9018-byte frame cannot overflow it, so the
        // carries are folded once instead of per word.
        ulong acc = sum;
        int i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            acc += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        }

        if (i + 2 <= data.Length)
        {
            acc += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
            i += 2;
        }

        if (i < data.Length)
        {
            acc += (uint)data[i] << 8;
        }

        acc = (acc & 0xFFFF_FFFF) + (acc >> 32);
        acc = (acc & 0xFFFF_FFFF) + (acc >> 32);
        return Fold((uint)acc);
    }

    /// <summary>Folds the carries back in, giving a 16-bit ones' complement sum.</summary>
    public static ushort Fold(uint sum)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The checksum field value for data whose sum (field zero) is <paramref name="sum"/>.</summary>
    public static ushort Complement(uint sum) => (ushort)~Fold(sum);

    /// <summary>
    /// The sum of the TCP/UDP pseudo header (RFC 768, RFC 793): source,
    /// destination, zero, protocol, and the L4 length.
    /// </summary>
    public static uint PseudoHeader(IPv4Address source, IPv4Address destination, byte protocol, int length) =>
        Fold((source.Value >> 16) + (source.Value & 0xFFFF) + (destination.Value >> 16) + (destination.Value & 0xFFFF)
            + protocol + (uint)length);

    /// <summary>True when data that includes its checksum field sums to all ones, i.e. the checksum verifies.</summary>
    public static bool Verifies(uint sum) => Fold(sum) == 0xFFFF;
}
