using XvifSim.Guest.Timers;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;
using XvifSim.Public.Xenbus;

namespace XvifSim.Frontend;

/// <summary>
/// Suspend and resume (docs/reference/netbsd-xvif-xennet.md, "xennet: suspend and detach"; NetBSD xennet_xenbus_suspend
/// and xennet_xenbus_resume), called by the guest's suspend path around a
/// save/restore or a checkpoint.
/// <para>
/// The flow with the toolstack, as on a restore: the guest suspends (TX
/// answered, the event channel closed, the rings and RX buffers left
/// granted because dom0 may still use them); the toolstack then destroys
/// the old backend instance by removing its directory (its detach hook
/// unmaps the rings) and writes both directories afresh with state 1, so
/// dom0 makes a new xvif that goes to InitWait; the guest resumes: it ends
/// the old grants, which nothing uses any more, sets up zeroed rings with
/// new grants and a new event channel, reposts RX, goes Initialised and,
/// on the backend's InitWait, runs the handshake again and goes Connected.
/// The interface, its MAC and counters stay as they were.
/// </para>
/// <para>
/// While suspended the driver ignores the backend's state: a suspended
/// guest does not run, and what its backend went through meanwhile (Closed,
/// the directory gone and rewritten) is read afresh at resume. NetBSD
/// reuses its ring pages; so does this, once their grants have ended. A
/// grant the old backend still holds at resume (it never let go) cannot be
/// ended: the interface is marked broken instead of handing a page the
/// backend can still write to a new ring.
/// </para>
/// </summary>
public sealed partial class XennetInstance
{
    /// <summary>NetBSD waits for TX responses in 0.5-second sleeps.</summary>
    private static readonly TimeSpan TxDrainPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>How many polls suspend waits for TX responses before it goes on without them (NetBSD waits for ever).</summary>
    private const int TxDrainPolls = 10;

    /// <summary>A handshake (or a resume, which runs its own) is under way: the watch's InitWait must not start another.</summary>
    private bool _handshaking;

    /// <summary>TX requests posted and not yet answered.</summary>
    public int TxOutstanding => TxSlots - _txFreeCount;

    /// <summary>
    /// xennet_xenbus_suspend: stops sending, waits for the backend to answer
    /// every TX request, marks the driver SUSPENDED and drops the other
    /// end's details (the event channel). RX buffers and ring grants stay
    /// granted: dom0 may still be using them. False if not connected.
    /// Runs on the guest's vCPU.
    /// </summary>
    public async Task<bool> SuspendAsync()
    {
        if (Status != XennetBackendStatus.Connected)
        {
            return false;
        }

        Status = XennetBackendStatus.Suspended;
        Interface?.IsRunning = false;
        for (int poll = 0; TxOutstanding > 0 && !IsBroken && poll < TxDrainPolls; poll++)
        {
            CollectTxCompletions();
            if (TxOutstanding > 0)
            {
                await DelayAsync(TxDrainPoll);
            }
        }

        if (TxOutstanding > 0)
        {
            _kernel.Log($"{Name}: suspending with {TxOutstanding} TX requests unanswered");
        }

        if (_port is { } port)
        {
            _kernel.Events.Unbind(port);
            _ = _kernel.Hypercalls.EventChannel.Close(port);
            _kernel.Log($"{Name}: removed event channel {port.Value}");
            _port = null;
        }

        return true;
    }

    /// <summary>
    /// xennet_xenbus_resume after a suspend: ends the old grants, sets the
    /// rings up afresh (new grants, new event channel, RX reposted,
    /// Initialised), re-reads the backend's features and, if the backend is
    /// already in InitWait, runs the handshake and goes Connected; otherwise
    /// the backend's InitWait does it. False (and the interface broken) if
    /// an old grant is still in use. Runs on the guest's vCPU.
    /// </summary>
    public async Task<bool> ResumeAsync()
    {
        if (Status != XennetBackendStatus.Suspended)
        {
            return false;
        }

        // The backend's InitWait may be reported by the watch while this
        // runs; resume reads the state itself once the rings are ready, and
        // the watch's report is ignored meanwhile (a handshake half-way
        // through set-up would offer grants not made yet).
        _handshaking = true;
        try
        {
            if (!EndOldGrants())
            {
                MarkBroken("Grant still in use by backend domain at resume");
                return false;
            }

            Status = XennetBackendStatus.Disconnected;
            BackendFeatures = await ReadBackendFeaturesAsync();
            _kernel.Log($"{Name}: backend features {FormatFeatures(BackendFeatures)}");
            if (!await SetUpRingsAsync())
            {
                return false;
            }

            XsResult<ulong> backendState = await _device.ReadOtherEndULongAsync("state");
            if (backendState.IsOk && backendState.Value == (ulong)XenbusState.InitWait && await TalkToBackendAsync())
            {
                await _device.SwitchStateAsync(XenbusState.Connected);
                Start();
            }

            return true;
        }
        finally
        {
            _handshaking = false;
        }
    }

    /// <summary>Ends every grant left from before the suspend; false at the first the backend still holds.</summary>
    private bool EndOldGrants()
    {
        for (int i = 0; i < _txSlots.Length; i++)
        {
            ref XennetTxSlot slot = ref _txSlots[i];
            if (slot.Granted && !_kernel.Grants.EndForeignAccess(slot.Gref))
            {
                return false;
            }

            slot.Granted = false;
            slot.Pending = false;
            slot.ReleasePacket();
        }

        for (int i = 0; i < _rxSlots.Length; i++)
        {
            ref XennetRxSlot slot = ref _rxSlots[i];
            if (slot.Granted && !_kernel.Grants.EndForeignAccess(slot.Gref))
            {
                return false;
            }

            slot.Granted = false;
            slot.Posted = false;
        }

        foreach (GrantRef? ring in (ReadOnlySpan<GrantRef?>)[_txRingRef, _rxRingRef])
        {
            if (ring is { } gref && !_kernel.Grants.EndForeignAccess(gref))
            {
                return false;
            }
        }

        // Nothing of the old rings is used again until set-up makes them anew.
        _txRingRef = null;
        _rxRingRef = null;
        _txRing = null;
        _rxRing = null;
        return true;
    }

    /// <summary>tsleep: resumes on the vCPU after <paramref name="delay"/> of the domain's clock.</summary>
    private Task DelayAsync(TimeSpan delay)
    {
        var done = new TaskCompletionSource();
        GuestTimer timer = _kernel.Timers.Create(done.SetResult);
        Errno armed = timer.Start(delay);
        if (armed != Errno.Ok)
        {
            done.SetResult();
        }

        return done.Task;
    }
}
