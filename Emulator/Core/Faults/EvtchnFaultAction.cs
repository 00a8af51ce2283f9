namespace XvifSim.Emulator.Faults;

/// <summary>What becomes of one EVTCHNOP_send a fault hook was asked about.</summary>
public enum EvtchnFaultAction
{
    /// <summary>Raised on the peer as usual.</summary>
    Deliver,

    /// <summary>Lost: the send succeeds and the peer never sees it, as a lost interrupt.</summary>
    Drop,

    /// <summary>Raised on the peer later, after <see cref="EvtchnFault.DelayNs"/> of scheduler time.</summary>
    Delay,
}
