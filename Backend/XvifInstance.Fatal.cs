namespace XvifSim.Backend;

/// <summary>
/// Disabling a hostile frontend. NetBSD never does this (it answers ERROR
/// or DROPPED and carries on); Linux's netback (XSA-39) prints the reason and
/// "fatal error; disabling device", turns the carrier off and stops servicing
/// the rings until the frontend reconnects. XenStore is left as it is, and
/// every other vif keeps running.
/// </summary>
public sealed partial class XvifInstance
{
    /// <summary>Logs <paramref name="reason"/> (Linux's text), disables the vif and returns -1 for the TX loop.</summary>
    private int Fatal(string reason)
    {
        Log(reason);
        Log("fatal error; disabling device");
        IsDisabled = true;
        Interface.IsRunning = false;
        _rxWatchdog.Stop();
        _rxQueue.Clear();
        return -1;
    }
}
