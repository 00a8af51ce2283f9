using XvifSim.Host.Toolstack;

namespace XvifSim.Host;

public sealed partial class XenHost
{
    /// <summary>
    /// Runs until both ends of vif <paramref name="vif"/> of <paramref name="guest"/>
    /// are Connected (XenbusState 4) and, for vif 0, the guest's interface is
    /// running with its address.
    /// </summary>
    /// <param name="guest">A guest of this host.</param>
    /// <param name="vif">The vif's handle: its index in the config.</param>
    /// <param name="timeout">Scheduler time to wait; null for <see cref="XenHostOptions.DefaultTimeout"/>.</param>
    /// <exception cref="TimeoutException">Not connected in time; the message gives both ends' states.</exception>
    /// <exception cref="DomainCrashedException">A domain crashed meanwhile.</exception>
    public void WaitConnected(XenDomain guest, int vif = 0, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(guest);
        if (guest.System is not { } system)
        {
            throw new ArgumentException("dom0 has no frontend to wait for", nameof(guest));
        }

        bool connected = _xen.WaitConnected(system, vif, timeout ?? _options.DefaultTimeout);
        ThrowIfCrashed();
        if (!connected)
        {
            string back = _xen.ReadKey($"{Libxl.BackendPath(guest.Id, vif)}/state") ?? "missing";
            string front = _xen.ReadKey($"{Libxl.FrontendPath(guest.Id, vif)}/state") ?? "missing";
            throw new TimeoutException($"{guest.Name} vif {vif} did not connect: backend state {back}, frontend state {front}, interface {system.InterfaceName} {(system.Xennet0 is null ? "not attached" : system.Xennet0.IsRunning ? "running" : "not running")}");
        }
    }

    /// <summary>
    /// Runs until <paramref name="condition"/> holds (checked between work
    /// items, or polled when threaded) or <paramref name="timeout"/> passes.
    /// The condition runs on the test's thread: read only what is safe there
    /// (a <see cref="FrameRecorder"/>, a <see cref="XenStoreWatch"/>, your own flags).
    /// </summary>
    /// <returns>Whether the condition held.</returns>
    /// <exception cref="DomainCrashedException">A domain crashed meanwhile.</exception>
    public bool WaitUntil(Func<bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ThrowIfCrashed();
        Scheduler.RunUntil(() => condition() || _xen.Crashes.Count > _reportedCrashes, timeout ?? _options.DefaultTimeout);
        ThrowIfCrashed();
        return condition();
    }

    /// <summary>Lets <paramref name="span"/> of scheduler time pass (timers fire, traffic flows).</summary>
    /// <exception cref="DomainCrashedException">A domain crashed meanwhile.</exception>
    public void RunFor(TimeSpan span)
    {
        ThrowIfCrashed();
        Scheduler.RunFor(span);
        ThrowIfCrashed();
    }

    /// <summary>
    /// The one leak check: xl destroy of every guest, a wait for dom0's
    /// backends to let go, then fails unless nothing is held beyond what dom0
    /// held for itself at boot: grants, grant mappings, event channels,
    /// zombie domains, XenStore watches and transactions.
    /// </summary>
    /// <param name="timeout">How long the backends get to release; null for <see cref="XenHostOptions.DefaultTimeout"/>.</param>
    /// <exception cref="ResourcesHeldException">Something is still held; each is named.</exception>
    /// <exception cref="DomainCrashedException">A domain crashed meanwhile.</exception>
    public void AssertNothingHeldAfterDestroy(TimeSpan? timeout = null)
    {
        ThrowIfCrashed();
        _guests.Clear();
        TimeSpan limit = timeout ?? _options.DefaultTimeout;
        IReadOnlyList<string> held = _xen.DestroyGuests(limit);
        Scheduler.RunUntil(() => StoreLeftovers().Count == 0, limit);
        ThrowIfCrashed();
        List<string> all = [.. held, .. StoreLeftovers()];
        if (all.Count > 0)
        {
            throw new ResourcesHeldException(all);
        }
    }

    /// <summary>XenStore watches and transactions beyond dom0's own at boot.</summary>
    private List<string> StoreLeftovers()
    {
        var held = new List<string>();
        int watches = _xen.Machine.XenStore.Core.WatchCount - _baselineWatches;
        int transactions = _xen.Machine.XenStore.Core.TransactionCount - _baselineTransactions;
        if (watches > 0)
        {
            held.Add($"xenstore: {watches} watch(es) beyond dom0's own");
        }

        if (transactions > 0)
        {
            held.Add($"xenstore: {transactions} open transaction(s) beyond dom0's own");
        }

        return held;
    }
}
