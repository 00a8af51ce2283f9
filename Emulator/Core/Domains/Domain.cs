using XvifSim.Emulator.Events;
using XvifSim.Emulator.Grants;
using XvifSim.Emulator.Memory;
using XvifSim.Public;

namespace XvifSim.Emulator.Domains;

/// <summary>
/// The hypervisor's record of one domain (Xen's struct domain): its memory,
/// grant table, event channels, vCPU and the facade its kernel calls.
/// </summary>
public sealed class Domain
{
    private volatile DomainState _state = DomainState.Running;
    private volatile bool _relinquished;
    private Exception? _crashCause;

    internal Domain(Machine machine, DomId id, DomainConfig config, bool isPrivileged)
    {
        Machine = machine;
        Id = id;
        Config = config;
        IsPrivileged = isPrivileged;
        Memory = new DomainMemory(id, new Public.Memory.PhysMap(config.RamPages, config.MaxGrantFrames, config.MapSpacePages), machine.Frames);
        SharedInfo = Memory.PlaceOwn(Memory.Layout.SharedInfo);
        XenstoreRing = Memory.PlaceOwn(Memory.Layout.XenstoreRing);
        GrantTable = new GrantTable(this);
        EventChannels = new EventChannels(this);
        Vcpu = new Vcpu(this, machine.Scheduler.CreateVcpu(id, ex => machine.Crash(this, ex)));
        Hypercalls = new DomainHypercalls(this);
    }

    /// <summary>The machine the domain lives in.</summary>
    public Machine Machine { get; }

    /// <summary>The domain id.</summary>
    public DomId Id { get; }

    /// <summary>The name the toolstack gave it.</summary>
    public string Name => Config.Name;

    /// <summary>What it was created with (name, RAM, grant frames).</summary>
    public DomainConfig Config { get; }

    /// <summary>True for the control domain: it may act on other domains.</summary>
    public bool IsPrivileged { get; }

    /// <summary>Running, Crashed, Dying or Dead.</summary>
    public DomainState State
    {
        get => _state;
        internal set => _state = value;
    }

    /// <summary>Why the domain crashed, if it did.</summary>
    public string? CrashReason { get; internal set; }

    /// <summary>The exception that crashed the domain, with its stack, once the crash is complete (logged and reported).</summary>
    public Exception? CrashCause
    {
        get => Volatile.Read(ref _crashCause);
        internal set => Volatile.Write(ref _crashCause, value);
    }

    /// <summary>True once destroyed (dying or dead): it can no longer be the target of new grants or bindings.</summary>
    public bool IsDying => State is DomainState.Dying or DomainState.Dead;

    /// <summary>
    /// Set by Machine.DestroyDomain once its vCPU has stopped, its ports are
    /// closed, xenstored has let go of its ring and its own mappings are
    /// released (Xen's domain_kill up to domain_relinquish_resources): from
    /// then on only peers' mappings and grant copies can reach its pages.
    /// </summary>
    internal bool Relinquished
    {
        get => _relinquished;
        set => _relinquished = value;
    }

    /// <summary>The domain's pseudo-physical memory (its p2m).</summary>
    public DomainMemory Memory { get; }

    /// <summary>The shared_info page: the event bitmaps and vcpu_info.</summary>
    public PageFrame SharedInfo { get; }

    /// <summary>The XenStore ring page (start_info's store_mfn).</summary>
    public PageFrame XenstoreRing { get; }

    /// <summary>The domain's grant table: its grants to others and its maptrack of their grants.</summary>
    public GrantTable GrantTable { get; }

    /// <summary>The domain's event channels.</summary>
    public EventChannels EventChannels { get; }

    internal Vcpu Vcpu { get; }

    /// <summary>The guest's face of the hypervisor.</summary>
    public IHypercalls Hypercalls { get; }

    /// <summary>The XenStore event channel (start_info's store_evtchn), once the store has bound it.</summary>
    public EvtchnPort StoreEvtchn { get; internal set; }

    /// <summary>Id and name.</summary>
    public override string ToString() => $"{Id} ({Name})";
}
