using System.Text;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// The guest names this toolstack accepts. libxl takes any non-empty name
/// no other domain holds (libxl__domain_rename refuses one that
/// libxl_name_to_domid finds), so Domain-0, dom0's own name, is never a
/// guest's. XvifSim also names capture files after the guest
/// (<c>&lt;name&gt;.xennet0.pcap</c>), so a name must make a file name: no
/// '/' or NUL, and short enough that the longest such file name fits
/// NAME_MAX (255 bytes).
/// </summary>
internal static class XlDomainName
{
    /// <summary>The name dom0 has (libxl's and XenStore's /local/domain/0/name).</summary>
    public const string Dom0 = "Domain-0";

    /// <summary>Bytes a name may take: 255 less ".xennet" and ".pcap" and three digits of a handle.</summary>
    public const int MaxBytes = 255 - 7 - 5 - 3;

    /// <summary>Why <paramref name="name"/> cannot be a guest's, or null when it can.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name))
        {
            return "must not be empty";
        }

        if (name == Dom0)
        {
            return $"'{Dom0}' is dom0's name; xl refuses a name another domain has";
        }

        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            return $"'{name}' contains '/' or NUL: XvifSim names capture files after the guest";
        }

        int bytes = Encoding.UTF8.GetByteCount(name);
        return bytes > MaxBytes
            ? $"is {bytes} bytes long; at most {MaxBytes}, so its capture file names fit NAME_MAX (255)"
            : null;
    }
}
