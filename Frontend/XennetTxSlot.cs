using XvifSim.Public;

namespace XvifSim.Frontend;

/// <summary>
/// One TX request id (NetBSD's struct xennet_txreq): the page the frame's
/// bytes are copied into, and the grant the backend reads it through while
/// the request is outstanding.
/// </summary>
internal struct XennetTxSlot
{
    /// <summary>The guest page that carries this slot's part of a frame.</summary>
    public Gfn Page;

    /// <summary>The read-only grant of <see cref="Page"/>, valid while <see cref="Granted"/>.</summary>
    public GrantRef Gref;

    /// <summary>The grant exists (it could not be ended yet, or the request is outstanding).</summary>
    public bool Granted;

    /// <summary>Posted and not yet answered: a response for this id is expected.</summary>
    public bool Pending;

    /// <summary>The first slot of its frame: its response's status decides OutErrors (NetBSD's txreq_m != NULL).</summary>
    public bool IsHead;
}
