using System.Globalization;

namespace XvifSim.Guest.Net;

/// <summary>A 48-bit Ethernet address, printed the NetBSD way: lower-case hex, colon-separated.</summary>
public readonly record struct MacAddress(ulong Value)
{
    /// <summary>ff:ff:ff:ff:ff:ff.</summary>
    public static readonly MacAddress Broadcast = new(0xFFFF_FFFF_FFFF);

    /// <summary>Octet <paramref name="i"/> (0 is the first on the wire).</summary>
    public byte this[int i] => (byte)(Value >> (8 * (5 - i)));

    /// <summary>The group bit of the first octet is set (multicast or broadcast).</summary>
    public bool IsMulticast => (this[0] & 1) != 0;

    /// <summary>00:00:00:00:00:00.</summary>
    public bool IsZero => Value == 0;

    /// <summary>Reads six octets in wire order.</summary>
    public static MacAddress FromBytes(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        for (int i = 0; i < 6; i++)
        {
            value = (value << 8) | bytes[i];
        }

        return new MacAddress(value);
    }

    /// <summary>Writes six octets in wire order.</summary>
    public void CopyTo(Span<byte> destination)
    {
        for (int i = 0; i < 6; i++)
        {
            destination[i] = this[i];
        }
    }

    /// <summary>Strict "xx:xx:xx:xx:xx:xx" (hex, any case), as libxl writes it.</summary>
    public static bool TryParse(string text, out MacAddress mac)
    {
        mac = default;
        string[] parts = text.Split(':');
        if (parts.Length != 6)
        {
            return false;
        }

        ulong value = 0;
        foreach (string part in parts)
        {
            if (part.Length is < 1 or > 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                return false;
            }

            value = (value << 8) | b;
        }

        mac = new MacAddress(value);
        return true;
    }

    /// <summary>Colon-separated lower-case hex (00:16:3e:00:01:01).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{this[0]:x2}:{this[1]:x2}:{this[2]:x2}:{this[3]:x2}:{this[4]:x2}:{this[5]:x2}");
}
