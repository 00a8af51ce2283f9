namespace XvifSim.Emulator.XenStore;

/// <summary>What a connection may do to a node: xs_lib.h's XS_PERM_READ, XS_PERM_WRITE and XS_PERM_OWNER.</summary>
[Flags]
internal enum XsRights
{
    None = 0,
    Read = 1,
    Write = 2,
    Owner = 4,
    All = Read | Write | Owner,
}
