using System.Text;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.XenStore;
using XvifSim.Public.Xenbus;

namespace XvifSim.Host.Faults;

/// <summary>
/// Xen's own spellings of what a fault spec names: GNTST_* of
/// xen/include/public/grant_table.h, XS_* of xen/include/public/io/xs_wire.h,
/// the errno names of xs_wire.h's xsd_errors, and XenbusState* of
/// xen/include/public/io/xenbus.h. Our enums carry .NET names of the same
/// values, so each Xen name is derived from them.
/// </summary>
public static class FaultNames
{
    /// <summary>
    /// EQUOTA: the quota refusal oxenstored names; C xenstored and this store
    /// answer a quota with ENOSPC (XenStoreCore.Transactions.cs), and xs_wire.h
    /// has no EQUOTA, so a fault spelled EQUOTA is answered as ENOSPC.
    /// </summary>
    public const string EQuota = "EQUOTA";

    /// <summary>grant_table.h's name of <paramref name="status"/>, as GNTST_bad_gntref.</summary>
    public static string Of(GntSt status) => "GNTST_" + Snake(status.ToString()).ToLowerInvariant();

    /// <summary>xs_wire.h's name of <paramref name="type"/>, as XS_TRANSACTION_END.</summary>
    public static string Of(XsdSockmsgType type) => "XS_" + Snake(type.ToString()).ToUpperInvariant();

    /// <summary>Every GNTST_* a fault may answer, in grant_table.h's order (-1 down): all but GNTST_okay.</summary>
    public static IEnumerable<GntSt> FaultStatuses => Enum.GetValues<GntSt>().Where(s => s != GntSt.Okay).OrderByDescending(s => (short)s);

    /// <summary>Every request type a client sends (not WATCH_EVENT, ERROR, the invalid marker or the XS_TYPE_COUNT sentinel).</summary>
    public static IEnumerable<XsdSockmsgType> RequestTypes =>
        Enum.GetValues<XsdSockmsgType>().Where(t => t is not (XsdSockmsgType.WatchEvent or XsdSockmsgType.Error or XsdSockmsgType.Invalid or XsdSockmsgType.TypeCount));

    /// <summary>GNTST_bad_gntref (any case); GNTST_okay is no fault.</summary>
    public static bool TryParseStatus(string text, out GntSt status)
    {
        status = FaultStatuses.FirstOrDefault(s => string.Equals(Of(s), text, StringComparison.OrdinalIgnoreCase));
        return status != GntSt.Okay;
    }

    /// <summary>XS_WRITE or WRITE (any case).</summary>
    public static bool TryParseOp(string text, out XsdSockmsgType type)
    {
        string name = text.StartsWith("XS_", StringComparison.OrdinalIgnoreCase) ? text : "XS_" + text;
        foreach (XsdSockmsgType candidate in RequestTypes)
        {
            if (string.Equals(Of(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }

        type = XsdSockmsgType.Invalid;
        return false;
    }

    /// <summary>An errno xs_wire.h names (EAGAIN, ENOSPC, ...), or <see cref="EQuota"/>; upper case.</summary>
    public static bool TryParseErrno(string text, out Errno errno)
    {
        if (text == EQuota)
        {
            errno = Errno.ENOSPC;
            return true;
        }

        foreach (Errno candidate in XsErrors.All)
        {
            if (candidate.ToString() == text)
            {
                errno = candidate;
                return true;
            }
        }

        errno = Errno.Ok;
        return false;
    }

    /// <summary>A state as its number (1 to 8) or its name, with or without XenbusState (Connected, XenbusStateConnected).</summary>
    public static bool TryParseState(string text, out XenbusState state)
    {
        foreach (XenbusState candidate in Enum.GetValues<XenbusState>().Where(s => s != XenbusState.Unknown))
        {
            if (text == ((int)candidate).ToString(System.Globalization.CultureInfo.InvariantCulture)
                || string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, "XenbusState" + candidate, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = XenbusState.Unknown;
        return false;
    }

    /// <summary>NoDeviceSpace as No_Device_Space.</summary>
    private static string Snake(string pascal)
    {
        var text = new StringBuilder();
        foreach (char c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(c);
        }

        return text.ToString();
    }
}
