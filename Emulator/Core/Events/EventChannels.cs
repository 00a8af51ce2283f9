using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Emulator.Events;

/// <summary>
/// One domain's event channels on the 2-level ABI (xen/common/event_channel.c
/// and event_2l.c): a table of <see cref="SharedInfoLayout.NrChannels"/>
/// ports, whose pending and mask bits live in the real bytes of the domain's
/// shared_info page. Every hypercall acts as the owning domain; acting on
/// another domain needs privilege (XSM_TARGET in Xen: the domain itself or
/// dom0). Failures a guest can cause are returned as Xen's errno.
/// </summary>
/// <remarks>
/// Locking: each domain has one event lock (Xen's d->event_lock) guarding its
/// port table. An operation that touches two domains takes both, the lower
/// domid first, as evtchn_bind_interdomain does, so two domains binding or
/// closing towards each other cannot deadlock. The pending/mask/selector
/// bits are updated with atomic operations on shared_info, which the guest
/// changes concurrently; vCPU kicks and Xen-consumer callbacks run only
/// after every lock is released.
/// The whole table exists from the start, so every port below NrChannels is
/// "valid" (port_is_valid) and a never-used one reports EVTCHNSTAT_closed;
/// Xen grows the table in buckets but answers the same errno for a free port.
/// </remarks>
public sealed partial class EventChannels : IEventChannelOps
{
    private readonly Domain _owner;
    private readonly Lock _lock = new();
    private readonly EvtchnEntry[] _ports = new EvtchnEntry[SharedInfoLayout.NrChannels];

    /// <summary>virq_to_evtchn of vCPU 0 (the only vCPU): 0 means unbound, as port 0 is never allocated.</summary>
    private readonly EvtchnPort[] _virqToPort = new EvtchnPort[VirqInfo.NrVirqs];

    internal EventChannels(Domain owner)
    {
        _owner = owner;

        // evtchn_init: port 0 is reserved so that 0 can mean "no port" in
        // virq_to_evtchn and in guests' tables.
        _ports[0].State = EvtchnState.Reserved;
    }

    /// <summary>Ports still open, one line each ("port 3: interdomain to d1 port 5").</summary>
    public IEnumerable<string> Outstanding() => Outstanding(_ => false);

    /// <summary>Ports still open, one line each, leaving out those <paramref name="isInfrastructure"/> accepts.</summary>
    public IEnumerable<string> Outstanding(Func<EvtchnPort, bool> isInfrastructure)
    {
        var open = new List<string>();
        lock (_lock)
        {
            for (uint p = 1; p < _ports.Length; p++)
            {
                if (isInfrastructure(new EvtchnPort(p)))
                {
                    continue;
                }

                ref readonly EvtchnEntry e = ref _ports[p];
                string? what = e.State switch
                {
                    EvtchnState.Unbound => $"unbound for {e.RemoteDom}",
                    EvtchnState.Interdomain => $"interdomain to {e.RemoteDom} {e.RemotePort}",
                    EvtchnState.Virq => $"virq {(uint)e.Virq} ({e.Virq})",
                    _ => null,
                };
                if (what is not null)
                {
                    open.Add($"{new EvtchnPort(p)}: {what}{(e.XenConsumer is null ? "" : " (xen)")}");
                }
            }
        }

        return open;
    }

    /// <summary>port_is_valid: inside the 2-level ABI's port space.</summary>
    private static bool IsValid(EvtchnPort port) => port.Value < SharedInfoLayout.NrChannels;

    /// <summary>
    /// get_free_port: the lowest free port, or EINVAL once the domain is dying
    /// (no new channels after evtchn_destroy began) or ENOSPC when all are in
    /// use. Caller holds the event lock.
    /// </summary>
    private Errno GetFreePort(out EvtchnPort port)
    {
        port = default;
        if (_owner.IsDying)
        {
            return Errno.EINVAL;
        }

        for (uint p = 1; p < _ports.Length; p++)
        {
            if (_ports[p].State == EvtchnState.Free)
            {
                port = new EvtchnPort(p);
                return Errno.Ok;
            }
        }

        return Errno.ENOSPC;
    }

    /// <summary>
    /// rcu_lock_domain_by_any_id: DOMID_SELF or the caller's own id is the
    /// caller; any other id must name a domain that is not yet dead.
    /// </summary>
    private bool TryFindDomain(DomId dom, out Domain domain)
    {
        if (dom == DomId.Self || dom == _owner.Id)
        {
            domain = _owner;
            return true;
        }

        return _owner.Machine.TryGetDomain(dom, out domain);
    }

    /// <summary>XSM_TARGET: a domain may act on itself; only the privileged domain on others.</summary>
    private bool MayActOn(Domain target) => target == _owner || _owner.IsPrivileged;

    /// <summary>The event lock taken first when two domains are locked: the lower domid's.</summary>
    private static Lock FirstLock(EventChannels a, EventChannels b) => a._owner.Id.Value <= b._owner.Id.Value ? a._lock : b._lock;

    /// <summary>
    /// The event lock taken second. For a loopback channel both are the same
    /// <see cref="Lock"/>, which is re-entrant, so taking it twice is harmless.
    /// </summary>
    private static Lock SecondLock(EventChannels a, EventChannels b) => a._owner.Id.Value <= b._owner.Id.Value ? b._lock : a._lock;
}
