namespace XvifSim.Public;

/// <summary>
/// The errno values Xen hypercalls return (negated) and XenStore names in
/// ERROR replies (xen/include/public/errno.h; the numbers match Linux x86).
/// <see cref="Ok"/> is a successful call.
/// </summary>
public enum Errno
{
    /// <summary>No error.</summary>
    Ok = 0,
    /// <summary>Operation not permitted.</summary>
    EPERM = 1,
    /// <summary>No such entry.</summary>
    ENOENT = 2,
    /// <summary>No such domain or process.</summary>
    ESRCH = 3,
    /// <summary>Input/output error.</summary>
    EIO = 5,
    /// <summary>Argument list too long (a XenStore message over its limit).</summary>
    E2BIG = 7,
    /// <summary>Try again (a XenStore transaction that conflicted).</summary>
    EAGAIN = 11,
    /// <summary>Out of memory.</summary>
    ENOMEM = 12,
    /// <summary>Permission denied.</summary>
    EACCES = 13,
    /// <summary>Bad address.</summary>
    EFAULT = 14,
    /// <summary>Resource busy.</summary>
    EBUSY = 16,
    /// <summary>Already exists.</summary>
    EEXIST = 17,
    /// <summary>Is a directory.</summary>
    EISDIR = 21,
    /// <summary>Invalid argument.</summary>
    EINVAL = 22,
    /// <summary>No space left (a quota reached).</summary>
    ENOSPC = 28,
    /// <summary>Read-only.</summary>
    EROFS = 30,
    /// <summary>Operation not implemented.</summary>
    ENOSYS = 38,
    /// <summary>Not empty.</summary>
    ENOTEMPTY = 39,
    /// <summary>Already in progress.</summary>
    EALREADY = 114,
    /// <summary>Already connected.</summary>
    EISCONN = 106,
}
