namespace XvifSim.Public.Grants;

/// <summary>
/// One element of a GNTTABOP_copy batch (grant_table.h <c>gnttab_copy</c>):
/// copy Len bytes from Source to Dest. Each element gets its own Status.
/// </summary>
public struct GnttabCopy
{
    public GnttabCopyPtr Source;
    public GnttabCopyPtr Dest;
    public ushort Len;
    public GntCopyFlags Flags;
    public GntSt Status;
}
