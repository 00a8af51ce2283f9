namespace XvifSim.Public.XenStore;

/// <summary>
/// xs_wire.h's <c>xsd_errors[]</c>: the errno names a server may put in an
/// ERROR reply (the name plus a NUL, never a number), in the header's order.
/// </summary>
public static class XsErrors
{
    private static readonly Errno[] Table =
    [
        Errno.EINVAL,
        Errno.EACCES,
        Errno.EEXIST,
        Errno.EISDIR,
        Errno.ENOENT,
        Errno.ENOMEM,
        Errno.ENOSPC,
        Errno.EIO,
        Errno.ENOTEMPTY,
        Errno.ENOSYS,
        Errno.EROFS,
        Errno.EBUSY,
        Errno.EAGAIN,
        Errno.EISCONN,
        Errno.E2BIG,
        Errno.EPERM,
    ];

    /// <summary>The errno values of the table, in xs_wire.h's order.</summary>
    public static ReadOnlySpan<Errno> All => Table;

    /// <summary>True if xs_wire.h names <paramref name="errno"/>.</summary>
    public static bool IsDefined(Errno errno) => Array.IndexOf(Table, errno) >= 0;

    /// <summary>
    /// The wire name of <paramref name="errno"/>. Like C xenstored's
    /// send_error(), a value the table does not hold is sent as its first
    /// entry, EINVAL.
    /// </summary>
    public static string NameOf(Errno errno) => IsDefined(errno) ? errno.ToString() : nameof(Errno.EINVAL);

    /// <summary>
    /// Parses an ERROR payload's name (without its NUL). Returns false for a
    /// name the table does not hold; libxenstore treats those as EINVAL.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> name, out Errno errno)
    {
        foreach (Errno candidate in Table)
        {
            if (name.SequenceEqual(candidate.ToString()))
            {
                errno = candidate;
                return true;
            }
        }

        errno = Errno.EINVAL;
        return false;
    }
}
