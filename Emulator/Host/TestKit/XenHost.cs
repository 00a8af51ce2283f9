using XvifSim.Emulator.Domains;
using XvifSim.Guest.Net;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;
using XvifSim.Public;

namespace XvifSim.Host;

/// <summary>
/// A simulated Xen host for a test: the hypervisor, dom0 with bridge0 at
/// 10.0.0.1/24 and the xvif backend, the toolstack, and the guests you
/// create, each with the frontend you choose. Everything runs on the
/// scheduler <see cref="XenHostOptions"/> picks; the simulation advances only
/// inside this type's waits (deterministic) or all the time (threaded).
/// <para>
/// An exception thrown on any domain's vCPU crashes that domain as Xen's
/// domain_crash does (stack in its kernel log); the next wait, or Dispose at
/// the latest, throws <see cref="DomainCrashedException"/> with it, and a
/// crashed guest is destroyed as xl's default on_crash="destroy" does.
/// </para>
/// Use from one test thread; not thread-safe.
/// </summary>
public sealed partial class XenHost : IDisposable, IAsyncDisposable
{
    private readonly SimulatedXen _xen;
    private readonly XenHostOptions _options;
    private readonly List<XenDomain> _guests = [];
    private readonly int _baselineWatches;
    private readonly int _baselineTransactions;
    private int _reportedCrashes;
    private ushort _nextIdentifier = 0x5800;
    private bool _disposed;

    private XenHost(XenHostOptions options)
    {
        _options = options;
        _xen = new SimulatedXen(options.ToScenarioOptions(), options.Name);
        Dom0 = new XenDomain(this, _xen.Machine.Dom0, _xen.Dom0.Kernel, () => _xen.Dom0.Ip, "dom0");
        _baselineWatches = _xen.Machine.XenStore.Core.WatchCount;
        _baselineTransactions = _xen.Machine.XenStore.Core.TransactionCount;
    }

    /// <summary>
    /// Boots a host: the machine, dom0 and its bridge, XenStore, captures if
    /// asked. Throws if dom0 does not come up.
    /// </summary>
    /// <param name="options">Scheduler, seed, captures; null for the defaults (deterministic, seed 1, no captures).</param>
    public static XenHost Start(XenHostOptions? options = null) => new(options ?? new XenHostOptions());

    /// <summary>Dom0: the control and backend domain, with bridge0 at <see cref="Dom0Address"/>.</summary>
    public XenDomain Dom0 { get; }

    /// <summary>bridge0's address in dom0: 10.0.0.1.</summary>
    public static IPv4Address Dom0Address => SimulatedXen.Dom0Address;

    /// <summary>The guests created so far and not destroyed, in creation order.</summary>
    public IReadOnlyList<XenDomain> Guests => _guests;

    /// <summary>Where this run's captures are written, or null when capture is off.</summary>
    public string? CaptureDirectory => _xen.Captures?.Directory;

    /// <summary>The toolstack's log: one line per thing libxl and the hotplug scripts did.</summary>
    public IReadOnlyList<string> ToolstackLog => _xen.ToolstackLog;

    /// <summary>
    /// xl create from xl.cfg text (name, memory, vif = [ 'mac=..., bridge=bridge0' ]),
    /// then boots the guest. Does not wait for its vifs: see <see cref="WaitConnected"/>.
    /// </summary>
    /// <param name="xlConfig">The xl.cfg text.</param>
    /// <param name="options">Address and drivers; null for xennet and xvif on every vif.</param>
    /// <exception cref="ArgumentException">The config has errors (each is in the message).</exception>
    public XenDomain CreateGuest(string xlConfig, GuestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(xlConfig);
        XlConfigResult parsed = XlConfigParser.Parse("xl.cfg", xlConfig, new Random(_options.Seed + _guests.Count));
        if (parsed.Config is null)
        {
            throw new ArgumentException($"xl.cfg: {string.Join("; ", parsed.Errors.Select(e => e.ToString()))}", nameof(xlConfig));
        }

        return CreateGuest(parsed.Config, options);
    }

    /// <summary>xl create from a config object, then boots the guest. Does not wait for its vifs.</summary>
    /// <param name="config">The guest's name, memory and vifs.</param>
    /// <param name="options">Address and drivers; null for xennet and xvif on every vif.</param>
    public XenDomain CreateGuest(GuestConfig config, GuestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfCrashed();
        options ??= new GuestOptions();
        IPv4Address address = options.Address ?? new IPv4Address(Dom0Address.Value + 1 + (uint)_guests.Count);
        GuestSystem system = _xen.StartGuest(config, address, options);
        Domain domain = _xen.Machine.GetDomain(system.Kernel.DomId);
        var guest = new XenDomain(this, domain, system.Kernel, () => system.Ip, config.Name) { System = system };
        _guests.Add(guest);
        ThrowIfCrashed();
        return guest;
    }

    /// <summary>xl destroy of one guest; its backends see it go and release what they held.</summary>
    public void DestroyGuest(XenDomain guest)
    {
        ArgumentNullException.ThrowIfNull(guest);
        if (guest.System is not { } system || !_guests.Remove(guest))
        {
            throw new ArgumentException($"{guest.Name} is not a live guest of this host", nameof(guest));
        }

        _xen.DestroyGuest(system);
        ThrowIfCrashed();
    }

    /// <summary>
    /// Throws <see cref="DomainCrashedException"/> for the first crash not yet
    /// reported (destroying crashed guests first, as xl's on_crash="destroy").
    /// Every wait calls it; call it yourself after driving the simulation by other means.
    /// </summary>
    public void ThrowIfCrashed()
    {
        IReadOnlyList<(Domain Domain, Exception Cause)> crashes = _xen.Crashes;
        if (crashes.Count <= _reportedCrashes)
        {
            return;
        }

        (Domain first, Exception cause) = crashes[_reportedCrashes];
        IEnumerable<Domain> crashed = crashes.Skip(_reportedCrashes).Select(c => c.Domain);
        _reportedCrashes = crashes.Count;
        if (_xen.Machine.Dom0.State == DomainState.Running)
        {
            foreach (XenDomain guest in _guests.Where(g => crashed.Any(d => d.Id == g.Id)).ToList())
            {
                _guests.Remove(guest);
                _xen.DestroyGuest(guest.System!);
            }
        }

        throw new DomainCrashedException(first.Name, cause);
    }

    /// <summary>
    /// Stops the simulation and closes the captures. Throws
    /// <see cref="DomainCrashedException"/> if a domain crashed and no wait has
    /// reported it yet, so a crash is never silent.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            ThrowIfCrashed();
        }
        finally
        {
            _xen.Dispose();
        }
    }

    /// <summary>As <see cref="Dispose"/>, for <c>await using</c>.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The scheduler the domains run on.</summary>
    internal Emulator.Scheduling.IScheduler Scheduler => _xen.Machine.Scheduler;

    internal SimulatedXen Xen => _xen;

    internal XenHostOptions Options => _options;

    /// <summary>A fresh ICMP identifier per ping run, so replies to an earlier run are not counted.</summary>
    internal ushort NextIdentifier() => _nextIdentifier++;
}
