namespace XvifSim.Public;

/// <summary>Page geometry of the x86 Xen ABI (xen.h: PAGE_SHIFT 12).</summary>
public static class XenPage
{
    /// <summary>PAGE_SHIFT: 12.</summary>
    public const int Shift = 12;
    /// <summary>PAGE_SIZE: 4096 bytes.</summary>
    public const int Size = 1 << Shift;
    /// <summary>Size - 1: masks a byte offset within a page.</summary>
    public const int Mask = Size - 1;
}
