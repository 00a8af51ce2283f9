using XvifSim.Guest.Net;

namespace XvifSim.Backend;

/// <summary>
/// The backend's MAC: parsed from the backend directory's <c>mac</c> (libxl
/// writes the guest's MAC there and in the frontend's directory), then one
/// octet incremented so dom0's side differs from the guest's.
/// </summary>
public static class XvifMac
{
    /// <summary>
    /// Strictly six colon-separated hex octets, unicast and not all zero.
    /// NetBSD's parser takes any separator, truncates each strtoul value to a
    /// byte and ignores trailing text; like Linux's netback (which needs ':'
    /// and nothing after the sixth byte) this one refuses all of that, and a
    /// multicast or zero address too, since an interface cannot own either.
    /// </summary>
    public static bool TryParse(string text, out MacAddress mac) =>
        MacAddress.TryParse(text, out mac) && !mac.IsMulticast && !mac.IsZero;

    /// <summary>The backend's address: <paramref name="guest"/> with the rule's octet + 1 as a byte (0xff wraps to 0x00, no carry).</summary>
    public static MacAddress Derive(MacAddress guest, MacRule rule)
    {
        int index = rule == MacRule.Driver ? 3 : 2;
        int shift = 8 * (5 - index);
        ulong octet = (guest.Value >> shift) & 0xff;
        ulong incremented = (octet + 1) & 0xff;
        return new MacAddress((guest.Value & ~(0xffUL << shift)) | (incremented << shift));
    }
}
