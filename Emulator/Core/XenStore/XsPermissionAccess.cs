namespace XvifSim.Emulator.XenStore;

/// <summary>
/// The access letter of a XenStore permission (docs/misc/xenstore.txt):
/// n = none, r = read, w = write only, b = both. The values are
/// xs_lib.h's XS_PERM_READ (1) and XS_PERM_WRITE (2).
/// </summary>
[Flags]
public enum XsPermissionAccess
{
    None = 0,
    Read = 1,
    Write = 2,
    Both = Read | Write,
}
