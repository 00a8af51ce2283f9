using System.Buffers.Binary;
using System.Globalization;

namespace XvifSim.Guest.Net;

/// <summary>
/// An IPv4 address (RFC 791) held as a host-order number, so 10.0.0.1 is
/// 0x0A000001 and the first octet is the most significant byte, as on the wire.
/// </summary>
public readonly record struct IPv4Address(uint Value)
{
    /// <summary>0.0.0.0 (INADDR_ANY).</summary>
    public static readonly IPv4Address Any = new(0);

    /// <summary>255.255.255.255, the limited broadcast address (RFC 919).</summary>
    public static readonly IPv4Address Broadcast = new(uint.MaxValue);

    /// <summary>Octet <paramref name="i"/> (0 is the leftmost in dotted-quad form).</summary>
    public byte this[int i] => (byte)(Value >> (8 * (3 - i)));

    /// <summary>Reads the four network-order bytes at the start of <paramref name="bytes"/>.</summary>
    public static IPv4Address FromBytes(ReadOnlySpan<byte> bytes) => new(BinaryPrimitives.ReadUInt32BigEndian(bytes));

    /// <summary>Writes the four network-order bytes to the start of <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    /// <summary>The netmask with <paramref name="prefixLength"/> leading one bits (24 gives 255.255.255.0).</summary>
    public static IPv4Address Netmask(int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        return new IPv4Address(prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength));
    }

    /// <summary>
    /// Strict dotted quad: exactly four decimal octets 0-255. Leading zeros are
    /// refused because inet_aton(3) reads them as octal, so "010.0.0.1" would
    /// mean different hosts to different tools.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IPv4Address address)
    {
        address = default;
        uint value = 0;
        int octets = 0;
        int i = 0;
        while (true)
        {
            int start = i;
            uint octet = 0;
            while (i < text.Length && text[i] is >= '0' and <= '9' && i - start < 3)
            {
                octet = octet * 10 + (uint)(text[i] - '0');
                i++;
            }

            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && text[start] == '0'))
            {
                return false;
            }

            value = (value << 8) | octet;
            octets++;
            if (octets == 4)
            {
                break;
            }

            if (i >= text.Length || text[i] != '.')
            {
                return false;
            }

            i++;
        }

        if (i != text.Length)
        {
            return false;
        }

        address = new IPv4Address(value);
        return true;
    }

    /// <summary>Like <see cref="TryParse"/>, for addresses from configuration: a bad one is host misuse.</summary>
    public static IPv4Address Parse(string text) =>
        TryParse(text, out IPv4Address address) ? address : throw new FormatException($"'{text}' is not a dotted-quad IPv4 address");

    /// <summary>Dotted-quad text.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{this[0]}.{this[1]}.{this[2]}.{this[3]}");
}
