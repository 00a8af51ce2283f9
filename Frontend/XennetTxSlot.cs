using XvifSim.Guest.Net;
using XvifSim.Public;

namespace XvifSim.Frontend;

/// <summary>
/// One TX request id (NetBSD's struct xennet_txreq): the packet buffer whose
/// page piece the request grants, and the grant the backend reads it through
/// while the request is outstanding.
/// </summary>
internal struct XennetTxSlot
{
    /// <summary>The frame this slot carries a piece of; the slot holds a reference until its grant has ended.</summary>
    public PacketBuffer? Packet;

    /// <summary>The read-only grant of the piece's page, valid while <see cref="Granted"/>.</summary>
    public GrantRef Gref;

    /// <summary>The grant exists (it could not be ended yet, or the request is outstanding).</summary>
    public bool Granted;

    /// <summary>Posted and not yet answered: a response for this id is expected.</summary>
    public bool Pending;

    /// <summary>The first slot of its frame: its response's status decides OutErrors (NetBSD's txreq_m != NULL).</summary>
    public bool IsHead;

    /// <summary>Drops the slot's reference to its frame, once the backend can no longer read it.</summary>
    public void ReleasePacket()
    {
        Packet?.Free();
        Packet = null;
    }
}
