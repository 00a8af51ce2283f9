namespace XvifSim.Backend;

/// <summary>
/// Disconnect and detach (NetBSD's xennetback_xenbus_destroy): every ring
/// mapping, the event channel, the queued frames (their packet buffers
/// back to dom0's pool) and the
/// watchdog are released; on detach the interface leaves dom0's table (and so
/// any bridge).
/// </summary>
public sealed partial class XvifInstance
{
    /// <summary>Releases what connect took. Safe to call when not connected.</summary>
    private void Disconnect()
    {
        _rxWatchdog.Stop();
        _rxQueue.Clear();
        _kernel.Packets.Reclaim();
        Interface.IsRunning = false;
        if (!IsConnected)
        {
            return;
        }

        IsConnected = false;
        IsDisabled = false;
        _kernel.Events.Unbind(_port);
        Hypercalls.EventChannel.Close(_port);
        _txRing = null;
        _rxRing = null;
        UnmapRings();
        _txOpCount = 0;
        _txPacketCount = 0;
        _txResponseCount = 0;
        _txUnpushed = false;
    }

    /// <summary>The detach hook: the device is going away (frontend Closed, or the backend node removed).</summary>
    internal void Detach()
    {
        Log("disconnecting");
        _detached = true;
        Disconnect();
        _kernel.Interfaces.Detach(Interface);
    }
}
