namespace XvifSim.Emulator.XenStore;

/// <summary>
/// The access letter of a XenStore permission (docs/misc/xenstore.txt):
/// n = none, r = read, w = write only, b = both. The values are
/// xs_lib.h's XS_PERM_READ (1) and XS_PERM_WRITE (2).
/// </summary>
[Flags]
public enum XsPermissionAccess
{
    /// <summary>n: no access.</summary>
    None = 0,
    /// <summary>r: read.</summary>
    Read = 1,
    /// <summary>w: write only.</summary>
    Write = 2,
    /// <summary>b: read and write.</summary>
    Both = Read | Write,
}
