namespace XvifSim.Public;

/// <summary>A domain identifier, xen.h's <c>domid_t</c> (u16).</summary>
public readonly record struct DomId(ushort Value)
{
    /// <summary>DOMID_FIRST_RESERVED: ids from here up are never real domains (xen.h).</summary>
    public const ushort FirstReserved = 0x7FF0;

    /// <summary>DOMID_SELF (xen.h): "the calling domain" in hypercall arguments.</summary>
    public static readonly DomId Self = new(0x7FF0);

    /// <summary>DOMID_XEN (xen.h): the hypervisor itself, e.g. the owner of its own service vCPUs.</summary>
    public static readonly DomId Xen = new(0x7FF2);

    /// <summary>DOMID_INVALID (xen.h).</summary>
    public static readonly DomId Invalid = new(0x7FF4);

    /// <summary>DOMID_ANY (xen.h, XenStore permissions on master).</summary>
    public static readonly DomId Any = new(0x7FF5);

    /// <summary>The control domain.</summary>
    public static readonly DomId Dom0 = new(0);

    /// <summary>True for an id a real domain can have (below DOMID_FIRST_RESERVED).</summary>
    public bool IsRealDomain => Value < FirstReserved;

    /// <summary>The id, or its reserved name (DOMID_SELF, DOMID_IDLE, ...).</summary>
    public override string ToString() => Value switch
    {
        0x7FF0 => "DOMID_SELF",
        0x7FF2 => "DOMID_XEN",
        0x7FF4 => "DOMID_INVALID",
        0x7FF5 => "DOMID_ANY",
        _ => $"d{Value}",
    };
}
