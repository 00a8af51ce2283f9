using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// Path rules of docs/misc/xenstore.txt as C xenstored's canonicalize()
/// applies them. The work is done on the request's bytes into a caller's
/// character buffer of <see cref="MaxLength"/> (on its stack), so that READ
/// and WRITE look their node up without making a string.
/// </summary>
internal static class XsPath
{
    /// <summary>The longest path that can pass: XENSTORE_ABS_PATH_MAX.</summary>
    public const int MaxLength = XsLimits.AbsPathMax;

    private const string LocalDomain = "/local/domain/";

    /// <summary>
    /// The buffer <see cref="Canonicalize(ReadOnlySpan{byte}, XsConnection, XsQuotas, bool, Span{char}, out int, out bool)"/>
    /// needs for a path of <paramref name="rawLength"/> bytes: the caller's home, a slash and the
    /// path, never more than <see cref="MaxLength"/>. Sizing the stack buffer to the request keeps
    /// a short path from paying for clearing 6 KiB of stack.
    /// </summary>
    public static int BufferLength(XsConnection conn, int rawLength) => Math.Min(MaxLength, conn.HomePath.Length + 1 + rawLength);

    /// <summary>
    /// Validates <paramref name="raw"/> and writes it, made absolute, to
    /// <paramref name="buffer"/> (<paramref name="length"/> characters).
    /// Characters are letters, digits and - / _ @; a leading @ (a special
    /// watch name) only where <paramref name="allowSpecial"/>; no empty path,
    /// no //, no trailing / except on /. A relative path resolves under the
    /// caller's home. Longer than XENSTORE_ABS_PATH_MAX is EINVAL (4.17's
    /// is_valid_nodename); for an unprivileged caller so is a path whose part
    /// below /local/domain/N/ is longer than the path quota (canonicalize's
    /// ACC_PATHLEN check). Every failure is EINVAL, so the order of the
    /// checks does not show.
    /// </summary>
    public static Errno Canonicalize(ReadOnlySpan<byte> raw, XsConnection conn, XsQuotas quotas, bool allowSpecial, Span<char> buffer, out int length, out bool relative)
    {
        length = 0;
        relative = false;
        foreach (byte b in raw)
        {
            if (!IsValidChar(b))
            {
                return Errno.EINVAL;
            }
        }

        if (!raw.IsEmpty && raw[0] == '@' && !allowSpecial)
        {
            return Errno.EINVAL;
        }

        relative = raw.IsEmpty || (raw[0] != '/' && raw[0] != '@');
        string home = conn.HomePath;
        int total = relative ? home.Length + 1 + raw.Length : raw.Length;
        if (total > MaxLength || total > buffer.Length)
        {
            return Errno.EINVAL;
        }

        int at = 0;
        if (relative)
        {
            home.CopyTo(buffer);
            buffer[home.Length] = '/';
            at = home.Length + 1;
        }

        for (int i = 0; i < raw.Length; i++)
        {
            // Every valid character is ASCII: one byte, one char.
            buffer[at + i] = (char)raw[i];
        }

        ReadOnlySpan<char> name = buffer[..total];
        if ((name.Length > 1 && name[^1] == '/') || name.Contains("//", StringComparison.Ordinal))
        {
            return Errno.EINVAL;
        }

        if (!conn.IsPrivileged && name.Length - LocalPrefixLength(name) > quotas.PathLength)
        {
            return Errno.EINVAL;
        }

        length = total;
        return Errno.Ok;
    }

    /// <summary><see cref="Canonicalize(ReadOnlySpan{byte}, XsConnection, XsQuotas, bool, Span{char}, out int, out bool)"/> as a string, for the requests that keep the path.</summary>
    public static Errno Canonicalize(ReadOnlySpan<byte> raw, XsConnection conn, XsQuotas quotas, bool allowSpecial, out string path, out bool relative)
    {
        Span<char> buffer = stackalloc char[BufferLength(conn, raw.Length)];
        Errno error = Canonicalize(raw, conn, quotas, allowSpecial, buffer, out int length, out relative);
        path = error == Errno.Ok ? new string(buffer[..length]) : string.Empty;
        return error;
    }

    /// <summary>core.c's get_parent: everything before the last / (after the first character), else /.</summary>
    public static ReadOnlySpan<char> Parent(ReadOnlySpan<char> path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary><see cref="Parent(ReadOnlySpan{char})"/> as a string, for paths that are kept.</summary>
    public static string Parent(string path) => Parent(path.AsSpan()).ToString();

    /// <summary>The last component of a path other than /.</summary>
    public static string BaseName(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Child(string parent, string name) => parent == "/" ? "/" + name : parent + "/" + name;

    public static string DomainPath(DomId domain) => LocalDomain + domain.Value;

    /// <summary>The length of a leading /local/domain/N/ (sscanf "%5u/"), or 0.</summary>
    private static int LocalPrefixLength(ReadOnlySpan<char> name)
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

    private static bool IsValidChar(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'/' or (byte)'_' or (byte)'@';
}
