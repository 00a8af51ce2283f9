using System.Collections.Concurrent;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.XenStore;
using static XvifSim.Public.XenStore.XenstoreDomainInterface;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// xenstored, living in the hypervisor and acting as dom0's daemon would: the
/// core store, and one ring connection per domain served on a service vCPU
/// of its own (so under the deterministic scheduler the store's work takes
/// its turn like any domain's). Each domain gets its ring page and store
/// event channel when it is created, as the toolstack's start_info gives a
/// guest: a port of the guest allocated unbound for dom0, and bound on dom0's
/// side to a port the hypervisor consumes.
/// </summary>
public sealed class XenStoreService
{
    /// <summary>What the server advertises in server_features: it sets the error field and honours watch depth.</summary>
    public const XenstoreServerFeatures Features = XenstoreServerFeatures.Error | XenstoreServerFeatures.WatchDepth;

    private readonly Machine _machine;
    private readonly IVcpuContext _vcpu;
    private readonly ConcurrentDictionary<ushort, XsRingConnection> _rings = new();
    private readonly ConcurrentDictionary<XsRingConnection, byte> _queued = new();

    internal XenStoreService(Machine machine)
    {
        _machine = machine;
        _vcpu = machine.Scheduler.CreateVcpu(DomId.Xen, e => Log($"xenstored: internal error: {e}"));
        Core = new XenStoreCore(domainExists: id => machine.TryGetDomain(id, out Domain domain) && !domain.IsDying);
        Core.Logged += Log;
    }

    /// <summary>The store itself: tree, permissions, transactions, watches, quotas.</summary>
    public XenStoreCore Core { get; }

    /// <summary>Lines xenstored logs: protocol violations of rings and sockets, and XS_CONTROL print.</summary>
    public event Action<string>? Logged;

    /// <summary>True while a service pass runs on xenstored's vCPU (Machine.Dispose frees no page while one does).</summary>
    internal bool IsRunning => _vcpu.IsRunning;

    /// <summary>The server's end of <paramref name="domain"/>'s ring, while it is attached.</summary>
    internal XsRingConnection? Ring(DomId domain) => _rings.GetValueOrDefault(domain.Value);

    /// <summary>True if <paramref name="port"/> of <paramref name="domain"/> is one end of a live domain's store channel.</summary>
    internal bool IsStoreChannel(Domain domain, EvtchnPort port) =>
        (_rings.TryGetValue(domain.Id.Value, out XsRingConnection? own) && domain.StoreEvtchn == port && own.Domain == domain)
        || (domain == _machine.Dom0 && _rings.Values.Any(r => r.ServerPort == port));

    /// <summary>Gives a new domain its store port and ring, and introduces it.</summary>
    internal void Attach(Domain domain)
    {
        Domain dom0 = _machine.Dom0;
        var alloc = new EvtchnAllocUnbound { Dom = domain.Id, RemoteDom = dom0.Id };
        Errno rc = dom0.EventChannels.AllocUnbound(ref alloc);
        if (rc != Errno.Ok)
        {
            throw new InvalidOperationException($"{domain}: no store event channel: {rc}");
        }

        var ring = new XsRingConnection(domain, Core, Log, Service);
        ring.OutputQueued += () => Kick(ring);
        SharedBits.WriteU32(domain.XenstoreRing.Span, ServerFeaturesOffset, (uint)Features);
        rc = dom0.EventChannels.BindInterdomainForXen(domain.Id, alloc.Port, _ => Kick(ring), out EvtchnPort serverPort);
        if (rc != Errno.Ok)
        {
            throw new InvalidOperationException($"{domain}: store event channel not bound: {rc}");
        }

        ring.ServerPort = serverPort;
        domain.StoreEvtchn = alloc.Port;
        _rings[domain.Id.Value] = ring;
        if (!domain.IsPrivileged)
        {
            Core.IntroduceDomain(domain.Id);
        }
    }

    /// <summary>On destruction: forget the ring, release the domain (@releaseDomain), free the hypervisor's port.</summary>
    internal void Detach(Domain domain)
    {
        if (!_rings.TryRemove(domain.Id.Value, out XsRingConnection? ring))
        {
            return;
        }

        // A service pass that found the ring before it was removed may still
        // be reading or writing the page on xenstored's vCPU: wait it out, so
        // that once Detach returns nothing of xenstored touches the page and
        // the reaper may free it (C xenstored stops using a domain's ring
        // when it hears @releaseDomain, before the page goes back to Xen).
        lock (ring.ServiceLock)
        {
        }

        Core.Disconnect(ring.Connection);
        Core.ReleaseDomain(domain.Id);
        _machine.Dom0.EventChannels.FreeXenEventChannel(ring.ServerPort);
    }

    private void Kick(XsRingConnection ring)
    {
        if (_queued.TryAdd(ring, 0))
        {
            _vcpu.Post(ring.ServicePass);
        }
    }

    private void Service(XsRingConnection ring)
    {
        _queued.TryRemove(ring, out _);

        bool notify, more;
        lock (ring.ServiceLock)
        {
            // A pass queued before Detach finds its ring gone; compare the ring
            // itself, not the id, because a later domain may reuse the id.
            // Checked under the service lock, which Detach waits for.
            if (!_rings.TryGetValue(ring.Domain.Id.Value, out XsRingConnection? live) || live != ring)
            {
                return;
            }

            (notify, more) = ring.Service();
        }

        if (notify)
        {
            _machine.Dom0.EventChannels.NotifyViaXenEventChannel(ring.ServerPort);
        }

        if (more)
        {
            Kick(ring);
        }
    }

    private void Log(string line) => Logged?.Invoke(line);
}
