namespace XvifSim.Public;

/// <summary>
/// A guest frame number: the index of a 4096-byte page in one domain's
/// physical address space (xen.h's <c>xen_pfn_t</c>). The same page has a
/// different Gfn in every domain that maps it.
/// </summary>
public readonly record struct Gfn(ulong Value)
{
    /// <summary>The guest-physical address of the frame's first byte.</summary>
    public ulong Address => Value << XenPage.Shift;

    /// <summary>The frame that holds a guest-physical address.</summary>
    public static Gfn FromAddress(ulong address) => new(address >> XenPage.Shift);

    /// <summary>gfn 0x... in hex.</summary>
    public override string ToString() => $"gfn 0x{Value:x}";
}
