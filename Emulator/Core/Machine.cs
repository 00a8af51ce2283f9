using System.Collections.Concurrent;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Events;
using XvifSim.Emulator.Faults;
using XvifSim.Emulator.Memory;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Trace;

namespace XvifSim.Emulator;

/// <summary>
/// The host's face of the simulated hypervisor: creates, crashes and destroys
/// domains, runs the scheduler and reports what is still held. Dom0 exists
/// from construction and is the only privileged domain.
/// </summary>
public sealed class Machine : IDisposable
{
    private readonly ConcurrentDictionary<ushort, Domain> _domains = new();
    private readonly Lock _lifecycleLock = new();
    private ushort _nextDomId = 1;
    private bool _disposed;

    private readonly XenStoreService? _xenStore;
    private IFaultHooks? _faults;

    /// <summary>A machine with dom0 (and xenstored unless <paramref name="options"/> says otherwise) on <paramref name="scheduler"/>.</summary>
    /// <param name="scheduler">Runs every domain's vCPU; the machine owns it from now on.</param>
    /// <param name="options">Dom0's configuration and whether to run xenstored; null for the defaults.</param>
    public Machine(IScheduler scheduler, MachineOptions? options = null)
    {
        options ??= new MachineOptions();
        Scheduler = scheduler;
        DelayedEvents = new DelayedEvents(this);
        Console = new XenConsole(scheduler, options.ConsoleLinesPerDomain);
        Trace = options.Trace;
        HypervisorTrace = Trace?.Open("hypervisor", "grant-table and event-channel operations of every domain (the record's domid is the caller)");
        Dom0 = new Domain(this, DomId.Dom0, options.Dom0, isPrivileged: true);
        _domains[0] = Dom0;
        if (options.XenStore)
        {
            _xenStore = new XenStoreService(this);
            _xenStore.Core.Trace = Trace;
            _xenStore.Attach(Dom0);
        }
    }

    /// <summary>The scheduler every vCPU runs on.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>The host's trace sink, handed to every domain's hypercall facade; null traces nothing.</summary>
    public ITraceSink? Trace { get; }

    /// <summary>The <c>hypervisor</c> channel: grant and event-channel records.</summary>
    internal ITraceChannel? HypervisorTrace { get; }

    /// <summary>The host's page frames (machine frame numbers).</summary>
    public FrameAllocator Frames { get; } = new();

    /// <summary>The console every domain's kernel log goes to.</summary>
    public XenConsole Console { get; }

    /// <summary>Domain 0, the privileged control domain.</summary>
    public Domain Dom0 { get; }

    /// <summary>True if the machine runs xenstored (<see cref="MachineOptions.XenStore"/>).</summary>
    public bool HasXenStore => _xenStore is not null;

    /// <summary>The store every domain reaches over its XenStore ring, and host tools over a socket.</summary>
    public XenStoreService XenStore =>
        _xenStore ?? throw new InvalidOperationException("this machine was made without xenstored (MachineOptions.XenStore)");

    /// <summary>
    /// The fault plan's hooks (grant map and copy, event sends, XenStore
    /// requests), or null for none: then each point costs a null check.
    /// Install before the domains it targets start, so that counting
    /// ("the nth operation") starts from their first operation.
    /// </summary>
    public IFaultHooks? Faults
    {
        get => _faults;
        set
        {
            _faults = value;
            if (_xenStore is not null)
            {
                _xenStore.Core.Faults = value;
            }
        }
    }

    /// <summary>Event sends a fault plan held back, raised at their deadline.</summary>
    internal DelayedEvents DelayedEvents { get; }

    /// <summary>Live and dying domains, in id order.</summary>
    public IReadOnlyList<Domain> Domains => [.. _domains.Values.OrderBy(d => d.Id.Value)];

    /// <summary>Creates an unprivileged guest with the next free id (XEN_DOMCTL_createdomain).</summary>
    public Domain CreateDomain(DomainConfig config)
    {
        lock (_lifecycleLock)
        {
            while (_domains.ContainsKey(_nextDomId) || _nextDomId == 0)
            {
                _nextDomId = (ushort)((_nextDomId + 1) % DomId.FirstReserved);
            }

            var domain = new Domain(this, new DomId(_nextDomId), config, isPrivileged: false);
            _domains[_nextDomId] = domain;
            _nextDomId = (ushort)((_nextDomId + 1) % DomId.FirstReserved);
            _xenStore?.Attach(domain);
            return domain;
        }
    }

    /// <summary>Finds a domain that is not yet dead (a dying zombie is still found).</summary>
    public bool TryGetDomain(DomId id, out Domain domain) => _domains.TryGetValue(id.Value, out domain!);

    /// <summary>The domain <paramref name="id"/>; throws if there is none.</summary>
    public Domain GetDomain(DomId id) =>
        TryGetDomain(id, out Domain domain) ? domain : throw new KeyNotFoundException($"no domain {id}");

    /// <summary>
    /// Raised once per crashed domain, after its vCPU has stopped and the
    /// crash is in its kernel log, on the thread that crashed it (a vCPU):
    /// whoever drives the host records it there and acts on it (xl's
    /// on_crash) from its own thread.
    /// </summary>
    public event Action<Domain, Exception>? DomainCrashed;

    /// <summary>
    /// domain_crash: a guest faulted. Its vCPU stops, the exception and its
    /// stack go to the domain's kernel log (as Xen prints the guest's state
    /// on the console), dom0 hears of it on VIRQ_DOM_EXC, and the domain waits
    /// for the toolstack to destroy it.
    /// </summary>
    public void Crash(Domain domain, Exception cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        lock (_lifecycleLock)
        {
            if (domain.State != DomainState.Running)
            {
                return;
            }

            domain.State = DomainState.Crashed;
        }

        domain.CrashReason = cause.Message;
        domain.Vcpu.Context.Shutdown();
        Console.Write(domain, $"domain_crash: {cause.GetType().Name}: {cause.Message}");
        foreach (string line in cause.ToString().Split('\n').Skip(1))
        {
            Console.Write(domain, $"domain_crash: {line.TrimEnd('\r')}");
        }

        Dom0.EventChannels.SendVirq(Virq.DomExc);
        DomainCrashed?.Invoke(domain, cause);

        // Last, so that whoever sees the cause also sees the crash recorded by DomainCrashed's handlers.
        domain.CrashCause = cause;
    }

    /// <summary>
    /// XEN_DOMCTL_destroydomain. The domain's vCPU stops, and a work item it
    /// was running is waited for (domain_pause's vcpu_sleep_sync); its event
    /// channels close (interdomain peers fall back to unbound, as
    /// evtchn_destroy does); XenStore releases it (@releaseDomain) and its
    /// ring server finishes any pass over the ring page; every grant it mapped
    /// from others is unmapped (gnttab_release_mappings). Its own pages that
    /// peers still map stay valid for them, as in Xen where a foreign mapping
    /// holds a page reference: the domain is then a Dying zombie until the
    /// last such mapping is unmapped (and the last grant copy from it is
    /// done), and only then Dead, its memory freed. Dom0 hears of it on
    /// VIRQ_DOM_EXC. Host misuse to call from the domain's own vCPU, which
    /// could not wait for itself (Xen's domain_pause refuses the current domain).
    /// </summary>
    public void DestroyDomain(DomId id)
    {
        Domain domain = GetDomain(id);
        if (domain.IsPrivileged)
        {
            throw new InvalidOperationException("dom0 cannot be destroyed");
        }

        if (domain.Vcpu.Context.IsCurrent)
        {
            throw new InvalidOperationException($"{domain} cannot be destroyed from its own vCPU");
        }

        lock (_lifecycleLock)
        {
            if (domain.IsDying)
            {
                return;
            }

            domain.State = DomainState.Dying;
        }

        domain.Vcpu.Context.Shutdown();
        WaitUntilStopped(domain.Vcpu.Context);
        domain.EventChannels.CloseAll();
        _xenStore?.Detach(domain);
        domain.GrantTable.ReleaseMappings();
        domain.Relinquished = true;
        ReapIfUnreferenced(domain);
        Dom0.EventChannels.SendVirq(Virq.DomExc);
    }

    /// <summary>
    /// Frees a dying domain once nothing can reach its pages (Xen's last
    /// put_domain of a zombie, then complete_domain_destroy): destruction has
    /// run (<see cref="Domain.Relinquished"/>), no peer maps a page and no
    /// grant copy holds a pin on its table. Those pins are read under the
    /// granter's grant lock, and a map or copy pin taken after this check
    /// finds the domain dying under that same lock and is refused with
    /// GNTST_bad_domain (rcu_lock_domain_by_id finding a dying domain), so
    /// freeing here cannot race with a peer. Called by DestroyDomain and
    /// whenever a pin on a dying domain goes away; with no lock held.
    /// </summary>
    internal void ReapIfUnreferenced(Domain domain)
    {
        lock (_lifecycleLock)
        {
            if (domain.State != DomainState.Dying || !domain.Relinquished || domain.GrantTable.IsPinned)
            {
                return;
            }

            domain.State = DomainState.Dead;
            _domains.TryRemove(domain.Id.Value, out _);
        }

        // Only the call that set Dead gets here, once per domain.
        domain.Memory.Release();
    }

    /// <summary>vcpu_sleep_sync: after Shutdown, wait until no item of the vCPU is still running on a pCPU.</summary>
    private static void WaitUntilStopped(IVcpuContext vcpu)
    {
        var spin = default(SpinWait);
        while (vcpu.IsRunning)
        {
            spin.SpinOnce();
        }
    }

    /// <summary>
    /// Everything still held: open ports, grants in use, mappings, zombie
    /// domains. Empty when all is released. The store channel of each live
    /// domain (its port and the hypervisor's end in dom0) belongs to the
    /// machine, not to any driver, and is left out.
    /// </summary>
    public IReadOnlyList<string> Outstanding()
    {
        var held = new List<string>();
        foreach (Domain domain in Domains)
        {
            if (domain.State == DomainState.Dying)
            {
                held.Add($"{domain}: dying, pages still mapped by peers");
            }

            Func<EvtchnPort, bool> isStoreChannel = port => _xenStore?.IsStoreChannel(domain, port) ?? false;
            held.AddRange(domain.EventChannels.Outstanding(isStoreChannel).Select(s => $"{domain}: {s}"));
            held.AddRange(domain.GrantTable.Outstanding().Select(s => $"{domain}: {s}"));
        }

        return held;
    }

    /// <summary>
    /// Stops every vCPU (disposes the scheduler), then frees every domain's
    /// memory. If a vCPU is still running after that (a pCPU thread stuck in
    /// guest work, which the threaded scheduler abandons), nothing is freed:
    /// that thread could still touch any domain's pages, so leaking them is
    /// the only safe answer.
    /// </summary>
    public void Dispose()
    {
        Scheduler.Dispose();
        Domain[] domains;
        lock (_lifecycleLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            domains = [.. _domains.Values];
        }

        if (domains.Any(d => d.Vcpu.Context.IsRunning) || (_xenStore?.IsRunning ?? false))
        {
            return;
        }

        foreach (Domain domain in domains)
        {
            domain.Memory.Release();
        }
    }
}
