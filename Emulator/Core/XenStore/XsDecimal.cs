using System.Globalization;
using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// Strict decimal parsing of the numeric arguments of XenStore requests.
/// C xenstored uses atoi(), which turns junk into 0; we answer EINVAL instead,
/// because a silent 0 would name dom0.
/// </summary>
internal static class XsDecimal
{
    public static bool TryParseDomId(ReadOnlySpan<char> text, out DomId domain)
    {
        domain = default;
        if (!IsDigits(text) || text.Length > 5
            || !ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort value))
        {
            return false;
        }

        domain = new DomId(value);
        return true;
    }

    public static bool TryParseUInt(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        return IsDigits(text) && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A signed decimal, as INTRODUCE gives the ring's gfn.</summary>
    public static bool TryParseLong(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        ReadOnlySpan<char> digits = text.Length > 0 && text[0] == '-' ? text[1..] : text;
        return IsDigits(digits) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
