namespace XvifSim.Host.Faults;

/// <summary>What a <see cref="FaultSpec"/> breaks; the word before the colon in its text.</summary>
public enum FaultKind
{
    /// <summary><c>gnttab-map</c>: an element of GNTTABOP_map_grant_ref answers a chosen GNTST status.</summary>
    GnttabMap,

    /// <summary><c>gnttab-copy</c>: an element of GNTTABOP_copy answers a chosen GNTST status.</summary>
    GnttabCopy,

    /// <summary><c>xs</c>: a XenStore request answers a chosen errno.</summary>
    XenStore,

    /// <summary><c>evtchn-drop</c>: an EVTCHNOP_send succeeds but the peer is never raised.</summary>
    EvtchnDrop,

    /// <summary><c>evtchn-delay</c>: an EVTCHNOP_send raises the peer only after a delay of scheduler time.</summary>
    EvtchnDelay,

    /// <summary><c>hotplug-fail</c>: the vif's hotplug script fails when libxl runs it to add the vif.</summary>
    HotplugFail,

    /// <summary><c>hotplug-late</c>: the vif's hotplug script starts only after a delay of scheduler time.</summary>
    HotplugLate,

    /// <summary><c>crash</c>: a domain is crashed (domain_crash) when a vif's xenbus state node reaches a value.</summary>
    Crash,
}
