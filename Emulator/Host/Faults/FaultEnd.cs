namespace XvifSim.Host.Faults;

/// <summary>Which end of a vif a <see cref="FaultKind.Crash"/> fault watches and crashes.</summary>
public enum FaultEnd
{
    /// <summary>The guest running the frontend; its state node is <c>/local/domain/&lt;dom&gt;/device/vif/&lt;vif&gt;/state</c>.</summary>
    Frontend,

    /// <summary>The backend domain (dom0 here); its state node is <c>/local/domain/0/backend/vif/&lt;dom&gt;/&lt;vif&gt;/state</c>.</summary>
    Backend,
}
