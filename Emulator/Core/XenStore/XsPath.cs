using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>Path rules of docs/misc/xenstore.txt as C xenstored's canonicalize() applies them.</summary>
internal static class XsPath
{
    private const string LocalDomain = "/local/domain/";

    /// <summary>
    /// Validates <paramref name="raw"/> and makes it absolute. Characters are
    /// letters, digits and - / _ @; a leading @ (a special watch name) only
    /// where <paramref name="allowSpecial"/>; no empty path, no //, no trailing
    /// / except on /. A relative path resolves under the caller's home. Longer
    /// than XENSTORE_ABS_PATH_MAX is EINVAL (4.17's is_valid_nodename); for an
    /// unprivileged caller so is a path whose part below /local/domain/N/ is
    /// longer than the path quota (canonicalize's ACC_PATHLEN check).
    /// </summary>
    public static Errno Canonicalize(string raw, XsConnection conn, XsQuotas quotas, bool allowSpecial, out string path, out bool relative)
    {
        path = string.Empty;
        relative = false;
        foreach (char c in raw)
        {
            if (!IsValidChar(c))
            {
                return Errno.EINVAL;
            }
        }

        if (raw.StartsWith('@') && !allowSpecial)
        {
            return Errno.EINVAL;
        }

        relative = !raw.StartsWith('/') && !raw.StartsWith('@');
        string name = relative ? $"{conn.HomePath}/{raw}" : raw;
        if ((name.EndsWith('/') && name != "/") || name.Contains("//", StringComparison.Ordinal) || name.Length > XsLimits.AbsPathMax)
        {
            return Errno.EINVAL;
        }

        if (!conn.IsPrivileged && name.Length - LocalPrefixLength(name) > quotas.PathLength)
        {
            return Errno.EINVAL;
        }

        path = name;
        return Errno.Ok;
    }

    /// <summary>core.c's get_parent: everything before the last / (after the first character), else /.</summary>
    public static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>The last component of a path other than /.</summary>
    public static string BaseName(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Child(string parent, string name) => parent == "/" ? "/" + name : parent + "/" + name;

    public static string DomainPath(DomId domain) => LocalDomain + domain.Value;

    /// <summary>The length of a leading /local/domain/N/ (sscanf "%5u/"), or 0.</summary>
    private static int LocalPrefixLength(string name)
    {
        if (!name.StartsWith(LocalDomain, StringComparison.Ordinal))
        {
            return 0;
        }

        int i = LocalDomain.Length;
        int digits = 0;
        while (i < name.Length && digits < 5 && char.IsAsciiDigit(name[i]))
        {
            i++;
            digits++;
        }

        return digits > 0 && i < name.Length && name[i] == '/' ? i + 1 : 0;
    }

    private static bool IsValidChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '/' or '_' or '@';
}
