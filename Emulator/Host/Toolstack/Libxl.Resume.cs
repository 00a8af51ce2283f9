using XvifSim.Public;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// A vif across a guest's suspend and resume, done in place: what xl save
/// and xl restore do to the backend, without destroying the domain. NetBSD's
/// backend is never reused across a suspend (it is destroyed with the old
/// domain's directories and made anew by the restore), and a frontend that
/// resumes expects a backend starting from Initialising.
/// </summary>
internal sealed partial class Libxl
{
    /// <summary>
    /// The save side, once the guest has suspended: the hotplug script with 6
    /// (the vif leaves its bridge), then the backend directory is removed,
    /// so dom0's backend detaches (unmaps the rings, closes its port, the
    /// interface goes). The frontend directory stays: the guest keeps its
    /// device across the suspend. The caller waits for the backend to go,
    /// then calls <see cref="ResumeVif"/>.
    /// </summary>
    public HotplugResult SuspendVif(DomId guest, int handle)
    {
        string backend = BackendPath(guest, handle);
        HotplugResult script = RunScript(guest, handle, HotplugAction.Remove);
        Errno result = _store.Rm(backend);
        if (result is not (Errno.Ok or Errno.ENOENT))
        {
            throw new InvalidOperationException($"toolstack: removing {backend} failed: {result}");
        }

        _log($"libxl: vif {guest.Value}/{handle} backend removed for suspend");
        return script;
    }

    /// <summary>
    /// The restore side: both directories written afresh as
    /// <see cref="AddVif"/> writes them (state 1 at both ends), so dom0 makes
    /// a new backend for the vif and the resumed frontend connects to it.
    /// The caller waits for InitWait and runs <see cref="RunHotplug"/>, as
    /// after xl create.
    /// </summary>
    public void ResumeVif(DomId guest, VifSpec vif, int handle)
    {
        AddVif(guest, vif, handle);
        _log($"libxl: vif {guest.Value}/{handle} rewritten for resume");
    }
}
