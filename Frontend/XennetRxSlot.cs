using XvifSim.Public;

namespace XvifSim.Frontend;

/// <summary>
/// One RX request id (NetBSD's struct xennet_rxreq): a page posted to the
/// backend with a read-write grant, for it to copy one slot of a frame into.
/// </summary>
internal struct XennetRxSlot
{
    /// <summary>The guest page posted as the buffer.</summary>
    public Gfn Page;

    /// <summary>The read-write grant of <see cref="Page"/>, valid while <see cref="Granted"/>.</summary>
    public GrantRef Gref;

    /// <summary>The grant exists (posted, or its end was refused because the backend still uses it).</summary>
    public bool Granted;

    /// <summary>Posted and not yet answered: a response for this id is expected.</summary>
    public bool Posted;
}
