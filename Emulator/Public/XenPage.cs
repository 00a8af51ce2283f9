namespace XvifSim.Public;

/// <summary>Page geometry of the x86 Xen ABI (xen.h: PAGE_SHIFT 12).</summary>
public static class XenPage
{
    public const int Shift = 12;
    public const int Size = 1 << Shift;
    public const int Mask = Size - 1;
}
