namespace XvifSim.Public;

/// <summary>
/// The errno values Xen hypercalls return (negated) and XenStore names in
/// ERROR replies (xen/include/public/errno.h; the numbers match Linux x86).
/// <see cref="Ok"/> is a successful call.
/// </summary>
public enum Errno
{
    Ok = 0,
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EIO = 5,
    E2BIG = 7,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    EISDIR = 21,
    EINVAL = 22,
    ENOSPC = 28,
    EROFS = 30,
    ENOSYS = 38,
    ENOTEMPTY = 39,
    EALREADY = 114,
    EISCONN = 106,
}
