using XvifSim.Emulator.Scheduling;
using XvifSim.Guest.Net;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Systems;

/// <summary>
/// NetBSD's /etc/xen/scripts/vif-bridge as libxl runs it: on add (2),
/// `ifconfig &lt;vifname&gt; up` and `brconfig &lt;bridge&gt; add &lt;vifname&gt;`;
/// on remove (6), take it out of the bridge. The work runs on dom0's vCPU,
/// where its interfaces live; the toolstack waits for it.
/// </summary>
internal sealed class VifBridgeScript(Dom0System dom0, IScheduler scheduler) : IHotplugScript
{
    public HotplugResult Run(string backendPath, HotplugAction action, string vifName, string bridge)
    {
        HotplugResult? result = null;
        dom0.Kernel.Run(() => result = RunInDom0(action, vifName, bridge));
        if (!scheduler.RunUntil(() => result is not null, TimeSpan.FromSeconds(10)))
        {
            return HotplugResult.Failure($"vif-bridge {backendPath}: dom0 did not run the script within 10 s");
        }

        return result!;
    }

    private HotplugResult RunInDom0(HotplugAction action, string vifName, string bridge)
    {
        if (bridge != dom0.Bridge.Local.Name)
        {
            return HotplugResult.Failure($"vif-bridge: no bridge {bridge} in dom0");
        }

        NetworkInterface? vif = dom0.Kernel.Interfaces.Find(vifName);
        if (action == HotplugAction.Remove)
        {
            if (vif is not null)
            {
                dom0.Bridge.RemoveMember(vif);
            }

            return HotplugResult.Success($"vif-bridge: {vifName} removed from {bridge}");
        }

        if (vif is null)
        {
            return HotplugResult.Failure($"vif-bridge: ifconfig: {vifName}: no such interface");
        }

        vif.IsUp = true;
        dom0.Bridge.AddMember(vif);
        dom0.Kernel.Log($"{bridge}: {vifName} added");
        return HotplugResult.Success($"vif-bridge: {vifName} up, added to {bridge}");
    }
}
