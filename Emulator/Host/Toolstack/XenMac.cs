using System.Globalization;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// MAC addresses as the toolstack handles them: checked and written in
/// libxl's form (LIBXL_MAC_FMT, six lower-case two-digit hex bytes joined by
/// colons), and made up in Xen's OUI when a vif spec gives none.
/// </summary>
internal static class XenMac
{
    /// <summary>The Xen Project's OUI, the first three bytes of every MAC libxl makes up.</summary>
    public const string XenOui = "00:16:3e";

    /// <summary>
    /// A random MAC in Xen's OUI, as libxl__device_nic_setdefault makes one:
    /// 00:16:3e, then three random bytes, the first of them masked with 0x7f
    /// (libxl takes them from a fresh uuid; we take them from
    /// <paramref name="random"/> so a seed reproduces a run).
    /// </summary>
    public static string Generate(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> bytes = stackalloc byte[3];
        random.NextBytes(bytes);
        return $"{XenOui}:{bytes[0] & 0x7f:x2}:{bytes[1]:x2}:{bytes[2]:x2}";
    }

    /// <summary>
    /// Accepts exactly six two-digit hex bytes separated by colons (the form
    /// xl-network-configuration(5) documents for mac=) and gives them back in
    /// lower case, as libxl writes them.
    /// </summary>
    public static bool TryNormalize(string text, out string mac)
    {
        mac = "";
        string[] parts = text.Split(':');
        if (parts.Length != 6 || parts.Any(p => p.Length != 2 || !byte.TryParse(p, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _)))
        {
            return false;
        }

        mac = text.ToLowerInvariant();
        return true;
    }

    /// <summary>
    /// Why a well-formed MAC (as <see cref="TryNormalize"/> gives it) cannot
    /// be a vif's, or null when it can: an interface owns a unicast address
    /// that is not all zeros. The xvif backend refuses the others when it
    /// reads the mac key (XvifMac.TryParse), which would leave the vif
    /// unconnected with the reason only in dom0's log; the toolstack says so
    /// before anything starts.
    /// </summary>
    public static string? UnicastProblem(string mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        if (mac == "ff:ff:ff:ff:ff:ff")
        {
            return "is the broadcast address";
        }

        // The I/G bit, the low bit of the first octet (IEEE 802), marks a group address.
        if ((Convert.ToByte(mac[..2], 16) & 1) != 0)
        {
            return "is a multicast address (the low bit of the first octet is set)";
        }

        return mac == "00:00:00:00:00:00" ? "is all zeros" : null;
    }
}
