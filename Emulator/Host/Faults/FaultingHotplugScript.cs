using System.Globalization;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Faults;

/// <summary>
/// The toolstack's hotplug script with hotplug faults around it: on add, a
/// vif a <see cref="FaultKind.HotplugFail"/> spec names fails without running
/// the script (as vif-bridge exiting non-zero does), and one a
/// <see cref="FaultKind.HotplugLate"/> spec names starts after its delay of
/// scheduler time, while the rest of the host runs on. Both are written to
/// the toolstack's log. Every add of a named vif is struck.
/// </summary>
internal sealed class FaultingHotplugScript(FaultInjector injector, IHotplugScript inner) : IHotplugScript
{
    public HotplugResult Run(string backendPath, HotplugAction action, string vifName, string bridge)
    {
        if (action == HotplugAction.Add && ParseBackendPath(backendPath) is (ushort guest, int handle))
        {
            if (injector.StrikeHotplug(FaultKind.HotplugFail, guest, handle) is FaultSpec failed)
            {
                return HotplugResult.Failure($"fault injected: hotplug script for {vifName} failed [{failed.Text}]");
            }

            if (injector.StrikeHotplug(FaultKind.HotplugLate, guest, handle) is FaultSpec late)
            {
                injector.Scheduler.RunFor(late.Delay);
            }
        }

        return inner.Run(backendPath, action, vifName, bridge);
    }

    /// <summary>The guest and handle of <c>.../backend/vif/&lt;guest&gt;/&lt;handle&gt;</c> (Libxl.BackendPath), or null.</summary>
    private static (ushort Guest, int Handle)? ParseBackendPath(string backendPath)
    {
        string[] parts = backendPath.Split('/');
        return parts.Length >= 2
            && ushort.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out ushort guest)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int handle)
            ? (guest, handle)
            : null;
    }
}
