using XvifSim.Public;

namespace XvifSim.Host.Toolstack;

/// <summary>Running the hotplug script, the step libxl takes once the backend has reached InitWait.</summary>
internal sealed partial class Libxl
{
    /// <summary>The value vif-bridge writes to hotplug-status when the interface is on its bridge.</summary>
    public const string HotplugConnected = "connected";

    /// <summary>
    /// What libxl does once the backend is in InitWait: runs the script with
    /// 2. The toolstack reads script, vifname (written by the xvif driver) and
    /// bridge from the backend directory, calls the script and, if it
    /// succeeded, writes hotplug-status = connected as vif-bridge does. A key
    /// that cannot be read fails the step with its path named, and nothing is
    /// written.
    /// </summary>
    public HotplugResult RunHotplug(DomId guest, int handle)
    {
        HotplugResult result = RunScript(guest, handle, HotplugAction.Add);
        if (!result.Succeeded)
        {
            return result;
        }

        string status = $"{BackendPath(guest, handle)}/hotplug-status";
        Errno written = _store.Write(status, HotplugConnected);
        if (written != Errno.Ok)
        {
            _log($"libxl: vif {guest.Value}/{handle}: cannot write {status}: {written}");
            return HotplugResult.Failure($"cannot write {status}: {written}");
        }

        _log($"libxl: vif {guest.Value}/{handle}: hotplug-status {HotplugConnected}");
        return result;
    }

    private HotplugResult RunScript(DomId guest, int handle, HotplugAction action)
    {
        string backend = BackendPath(guest, handle);
        string[] values = new string[3];
        string[] keys = ["script", "vifname", "bridge"];
        for (int i = 0; i < keys.Length; i++)
        {
            Errno e = _store.Read($"{backend}/{keys[i]}", out values[i]);
            if (e != Errno.Ok)
            {
                var missing = HotplugResult.Failure($"cannot read {backend}/{keys[i]}: {e}");
                _log($"libxl: vif {guest.Value}/{handle}: hotplug {(int)action} not run: {missing.Message}");
                return missing;
            }
        }

        _log($"libxl: vif {guest.Value}/{handle}: running {values[0]} {backend} {(int)action}");
        HotplugResult result = _hotplug.Run(backend, action, values[1], values[2])
            ?? throw new InvalidOperationException($"hotplug script {values[0]} returned no result");
        _log($"libxl: vif {guest.Value}/{handle}: {values[0]} {(result.Succeeded ? "succeeded" : "failed")}: {result.Message}");
        return result;
    }
}
