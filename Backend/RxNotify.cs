namespace XvifSim.Backend;

/// <summary>
/// How xvif learns that a frontend has posted RX buffers after it ran out.
/// </summary>
public enum RxNotify
{
    /// <summary>
    /// NetBSD's xennetback: the RX ring's req_event is never set, so frontends
    /// do not notify when they post buffers; queued frames go on the
    /// frontend's next event or the 1-second watchdog. The default.
    /// </summary>
    Watchdog,

    /// <summary>
    /// Linux netback's xenvif_rx_ring_slots_available: when the posted
    /// buffers are too few, set req_event = req_prod + 1 and look again, so
    /// the frontend's next RING_PUSH_REQUESTS_AND_CHECK_NOTIFY sends an
    /// event. Option <c>rx-notify=req-event</c>; a receive-only guest then
    /// never waits for the watchdog.
    /// </summary>
    ReqEvent,
}
