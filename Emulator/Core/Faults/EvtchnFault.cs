namespace XvifSim.Emulator.Faults;

/// <summary>A fault hook's answer for one EVTCHNOP_send; a value, so the send path allocates nothing.</summary>
/// <param name="Action">Deliver, drop or delay.</param>
/// <param name="DelayNs">For <see cref="EvtchnFaultAction.Delay"/>: nanoseconds of scheduler time until the peer is raised.</param>
public readonly record struct EvtchnFault(EvtchnFaultAction Action, ulong DelayNs)
{
    /// <summary>No fault: deliver now.</summary>
    public static EvtchnFault Deliver => default;

    /// <summary>Lose the notification.</summary>
    public static EvtchnFault Drop => new(EvtchnFaultAction.Drop, 0);

    /// <summary>Raise the peer after <paramref name="delayNs"/>.</summary>
    public static EvtchnFault Delay(ulong delayNs) => new(EvtchnFaultAction.Delay, delayNs);
}
