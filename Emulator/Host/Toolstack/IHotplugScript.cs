namespace XvifSim.Host.Toolstack;

/// <summary>
/// The hotplug script libxl runs for a vif as <c>script &lt;backend path&gt; 2|6</c>
/// (libxl_netbsd.c). NetBSD's vif-bridge on 2 reads bridge and vifname from
/// the backend directory, runs <c>ifconfig &lt;vifname&gt; up</c> and
/// <c>brconfig &lt;bridge&gt; add &lt;vifname&gt;</c> (tools/hotplug/NetBSD/vif-bridge).
/// Here the toolstack reads those keys itself and hands them over, and it
/// writes <c>hotplug-status</c> and removes the backend directory itself, so
/// an implementation only acts on the interface and the bridge.
/// </summary>
internal interface IHotplugScript
{
    /// <summary>
    /// Runs the script for the vif at <paramref name="backendPath"/>:
    /// <paramref name="vifName"/> is the backend interface the xvif driver
    /// made, <paramref name="bridge"/> the bridge it belongs on.
    /// </summary>
    HotplugResult Run(string backendPath, HotplugAction action, string vifName, string bridge);
}
