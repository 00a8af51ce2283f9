namespace XvifSim.Public.XenStore;

/// <summary>
/// xs_wire.h's <c>xsd_errors[]</c>: the errno names a server may put in an
/// ERROR reply (the name plus a NUL, never a number), as the header's table
/// of {errnum, errstring} rows, in its order (new errors go at the end, the
/// header says). The same 16 rows in Xen 4.17's header and the current one.
/// </summary>
public static class XsErrors
{
    private static readonly XsdError[] Table =
    [
        new(Errno.EINVAL, "EINVAL"),
        new(Errno.EACCES, "EACCES"),
        new(Errno.EEXIST, "EEXIST"),
        new(Errno.EISDIR, "EISDIR"),
        new(Errno.ENOENT, "ENOENT"),
        new(Errno.ENOMEM, "ENOMEM"),
        new(Errno.ENOSPC, "ENOSPC"),
        new(Errno.EIO, "EIO"),
        new(Errno.ENOTEMPTY, "ENOTEMPTY"),
        new(Errno.ENOSYS, "ENOSYS"),
        new(Errno.EROFS, "EROFS"),
        new(Errno.EBUSY, "EBUSY"),
        new(Errno.EAGAIN, "EAGAIN"),
        new(Errno.EISCONN, "EISCONN"),
        new(Errno.E2BIG, "E2BIG"),
        new(Errno.EPERM, "EPERM"),
    ];

    private static readonly Errno[] Numbers = Array.ConvertAll(Table, row => row.Errnum);

    /// <summary>The table's rows, in xs_wire.h's order.</summary>
    public static ReadOnlySpan<XsdError> Rows => Table;

    /// <summary>The errno values of the table, in xs_wire.h's order.</summary>
    public static ReadOnlySpan<Errno> All => Numbers;

    /// <summary>True if xs_wire.h names <paramref name="errno"/>.</summary>
    public static bool IsDefined(Errno errno) => Array.IndexOf(Numbers, errno) >= 0;

    /// <summary>
    /// The wire name of <paramref name="errno"/>. Like C xenstored's
    /// send_error(), a value the table does not hold is sent as its first
    /// row's, EINVAL.
    /// </summary>
    public static string NameOf(Errno errno)
    {
        int row = Array.IndexOf(Numbers, errno);
        return Table[row < 0 ? 0 : row].Errstring;
    }

    /// <summary>
    /// Parses an ERROR payload's name (without its NUL). Returns false for a
    /// name the table does not hold; libxenstore treats those as EINVAL.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> name, out Errno errno)
    {
        foreach (XsdError row in Table)
        {
            if (name.SequenceEqual(row.Errstring))
            {
                errno = row.Errnum;
                return true;
            }
        }

        errno = Errno.EINVAL;
        return false;
    }
}
