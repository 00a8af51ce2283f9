namespace XvifSim.Public.Trace;

/// <summary>
/// What an event-channel record reports. Masking is not here: a guest masks
/// a port by writing evtchn_mask in its own shared_info, which is no
/// hypercall and so no choke point.
/// </summary>
public enum TraceEvtchnOp : byte
{
    /// <summary>EVTCHNOP_send by the record's domain.</summary>
    Send = 1,

    /// <summary>The vCPU entered the guest's event upcall (evtchn_upcall_pending was set and unmasked).</summary>
    Upcall = 2,

    /// <summary>EVTCHNOP_unmask by the record's domain.</summary>
    Unmask = 3,
}
