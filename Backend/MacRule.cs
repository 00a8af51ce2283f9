namespace XvifSim.Backend;

/// <summary>
/// Which octet of the guest's MAC xvif increments to make its own (wrapping
/// 0xff to 0x00 with no carry into its neighbour).
/// </summary>
public enum MacRule
{
    /// <summary>The seed man page's rule: the third byte (index 2). 00:16:3e:12:34:56 becomes 00:16:3f:12:34:56. The default.</summary>
    ManPage,

    /// <summary>
    /// What NetBSD's xennetback_xenbus.c (rev 1.125) actually does: the fourth
    /// byte (index 3). 00:16:3e:12:34:56 becomes 00:16:3e:13:34:56. Option <c>mac-rule=driver</c>.
    /// </summary>
    Driver,
}
