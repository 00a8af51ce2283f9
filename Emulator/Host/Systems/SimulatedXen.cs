using XvifSim.Backend;
using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Guest.Xenbus;
using XvifSim.Guest.Net;
using XvifSim.Host.Captures;
using XvifSim.Host.Faults;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Toolstack;
using XvifSim.Public;
using System.Collections.Concurrent;

namespace XvifSim.Host.Systems;

/// <summary>
/// A whole simulated host for a scenario: the machine, dom0 with bridge0 at
/// 10.0.0.1/22, the toolstack, guests, and the capture session that taps
/// every interface the moment it attaches. Everything the scenarios share.
/// </summary>
internal sealed class SimulatedXen : IDisposable
{
    public static readonly IPv4Address Dom0Address = IPv4Address.Parse("10.0.0.1");

    /// <summary>
    /// bridge0's prefix length: 10.0.0.0/22, so dom0 keeps 10.0.0.1, guests
    /// still number from 10.0.0.2 (every address a /24 scenario used is
    /// unchanged), and <see cref="MaxGuests"/> guests fit, up to 10.0.3.233
    /// (the subnet's last host address is 10.0.3.254).
    /// </summary>
    public const int Bridge0PrefixLength = 22;

    /// <summary>The most guests `up` and `soak` start on bridge0 (issue 15's scale target).</summary>
    public const int MaxGuests = 1000;

    /// <summary>
    /// Dom0's RAM: 512 MiB. Each connected xvif keeps about 80 dom0 pages of
    /// copy buffers, so <see cref="MaxGuests"/> guests need about 80,000;
    /// pages are populated on first touch, so the headroom costs nothing
    /// until used.
    /// </summary>
    public const ulong Dom0RamPages = 131072;

    private readonly List<GuestSystem> _guests = [];
    private readonly List<string> _toolstackLog = [];
    private readonly List<(string Domain, NetworkInterface Iface)> _seen = [];

    /// <summary>Each guest's options by domain name, read on dom0's vCPU when its vifs' backends attach.</summary>
    private readonly ConcurrentDictionary<string, GuestOptions> _guestOptions = new(StringComparer.Ordinal);

    /// <summary>Domains that crashed (domain_crash), in order, as Machine reported them from their vCPUs.</summary>
    private readonly ConcurrentQueue<(Domain Domain, Exception Cause)> _crashes = new();

    /// <summary>What dom0 holds for itself once booted (its timer's VIRQ port): not a guest's leftovers.</summary>
    private readonly HashSet<string> _dom0Baseline;

    /// <summary><see cref="Machine"/>, null until made: the capture writer's log may be called from its thread before then.</summary>
    private readonly Machine? _machine;

    public SimulatedXen(ScenarioOptions options, string scenario, XvifOptions? xvif = null)
    {
        Options = options;
        IScheduler scheduler = options.CreateScheduler();
        if (options.CaptureDirectory is { } root)
        {
            // The writer thread's failure goes to dom0's console too (Machine exists by the time a frame does).
            Captures = new CaptureSession(Path.Combine(root, scenario), () => scheduler.NowNs, SectionComments(options, scenario),
                line => _machine?.Console.Write(_machine.Dom0, $"capture: {line}"));
        }

        Machine = _machine = new Machine(scheduler, new MachineOptions
        {
            Dom0 = new DomainConfig("Domain-0") { RamPages = Dom0RamPages },
            Trace = options.Trace ? Captures?.Trace : null,
        });
        Machine.DomainCrashed += (domain, cause) => _crashes.Enqueue((domain, cause));
        if (options.Faults is { Specs.Count: > 0 } plan)
        {
            // Before anything runs, so that "the nth operation" counts from the first.
            Faults = new FaultInjector(Machine, plan, _toolstackLog.Add);
        }

        Store = new XsHostClient(Machine.XenStore.Core);
        DomainDirectories.WriteDom0(Store);
        Dom0 = new Dom0System(Machine.Dom0, Dom0Address, xvif ?? new XvifOptions(), BackendFor);
        Captures?.Attach("dom0", Dom0.Bridge.Local, "bridge0 in dom0: the learning bridge and dom0's own address");

        _seen.Add(("dom0", Dom0.Bridge.Local));
        Track("dom0", Dom0.Kernel.Interfaces);

        IHotplugScript hotplug = new VifBridgeScript(Dom0, Machine.Scheduler);
        Libxl = new Libxl(Machine, Store, Faults?.Wrap(hotplug) ?? hotplug, _toolstackLog.Add);
        Dom0.Boot();
        if (!Machine.Scheduler.RunUntil(() => Dom0.Booted, TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException("dom0 did not boot within 10 s");
        }

        _dom0Baseline = [.. Machine.Outstanding()];
    }

    public ScenarioOptions Options { get; }

    public Machine Machine { get; }

    public XsHostClient Store { get; }

    public Dom0System Dom0 { get; }

    public Libxl Libxl { get; }

    public CaptureSession? Captures { get; }

    /// <summary>The fault plan at work (<see cref="ScenarioOptions.Faults"/>), or null when it injects none.</summary>
    public FaultInjector? Faults { get; }

    public IReadOnlyList<GuestSystem> Guests => _guests;

    /// <summary>What libxl and the hotplug scripts did (and hotplug faults injected), one line each.</summary>
    public IReadOnlyList<string> ToolstackLog => _toolstackLog;

    /// <summary>Every domain that crashed so far (domain_crash), with the exception that crashed it, in order.</summary>
    public IReadOnlyList<(Domain Domain, Exception Cause)> Crashes => [.. _crashes];

    /// <summary>
    /// xl create: makes the domain from <paramref name="config"/> (paused, as
    /// libxl does), waits for each vif's backend to reach InitWait and runs
    /// the hotplug script, then boots (unpauses) the guest. A vif whose
    /// backend never gets there (a bad MAC, say) is reported in the toolstack
    /// log and left alone.
    /// </summary>
    /// <param name="config">The guest's xl.cfg settings.</param>
    /// <param name="address">The address the guest gives its configured interface.</param>
    /// <param name="options">Which frontend and backend drive each vif (xennet and xvif unless chosen).</param>
    public GuestSystem StartGuest(GuestConfig config, IPv4Address address, GuestOptions? options = null)
    {
        options ??= new GuestOptions();

        // Registered before the domain exists: dom0's bus may probe the new backends at once (threaded).
        _guestOptions[config.Name] = options;
        Domain domain = Libxl.CreateGuest(config);
        var guest = new GuestSystem(domain, address, options);
        Track(domain.Name, guest.Kernel.Interfaces);

        _guests.Add(guest);
        for (int handle = 0; handle < config.Vifs.Count; handle++)
        {
            string state = $"{Libxl.BackendPath(domain.Id, handle)}/state";
            if (Machine.Scheduler.RunUntil(() => ReadKey(state) == "2", TimeSpan.FromSeconds(5)))
            {
                // RunHotplug logs the script's outcome itself.
                Libxl.RunHotplug(domain.Id, handle);
            }
            else
            {
                _toolstackLog.Add($"libxl: {domain.Name} vif {handle}: backend did not reach InitWait (state {ReadKey(state) ?? "missing"}); not running hotplug");
            }
        }

        guest.Boot();
        ThrowIfCaptureFailed();
        return guest;
    }

    /// <summary>Runs until both ends of the guest's vif 0 are Connected and xennet0 has its address.</summary>
    public bool WaitConnected(GuestSystem guest, TimeSpan limit) => WaitConnected(guest, 0, limit);

    /// <summary>
    /// Runs until both ends of vif <paramref name="handle"/> are Connected;
    /// for vif 0, also until the guest's interface is running with its address.
    /// Stops early, false, if a domain crashes.
    /// </summary>
    public bool WaitConnected(GuestSystem guest, int handle, TimeSpan limit)
    {
        DomId id = guest.Kernel.DomId;
        string back = $"{Libxl.BackendPath(id, handle)}/state";
        string front = $"{Libxl.FrontendPath(id, handle)}/state";
        // The guest's own state first: it costs nothing, while the two XenStore reads are evaluated before every step of the run.
        Func<bool> connected = () => (handle != 0 || (guest.Ip is not null && guest.Xennet0?.IsRunning == true))
            && ReadKey(back) == "4" && ReadKey(front) == "4";
        Machine.Scheduler.RunUntil(() => connected() || !_crashes.IsEmpty, limit);
        ThrowIfCaptureFailed();
        return connected();
    }

    /// <summary>
    /// Stops the run, on the host's thread, once an interface's capture file
    /// could not be created or the capture writer could not write (the tap
    /// that found it runs on a vCPU and the writer on its own thread, where a
    /// throw would crash that domain or be lost): every frame is captured, or
    /// the run does not go on.
    /// </summary>
    public void ThrowIfCaptureFailed() => Captures?.ThrowIfFailed();

    /// <summary>
    /// xl destroy of every guest, then waits for dom0 to let go of them
    /// (the backends see their directories go and unmap the rings). Returns
    /// what is still held after <paramref name="limit"/> beyond what dom0
    /// held for itself before any guest: nothing, when all is well.
    /// </summary>
    public IReadOnlyList<string> DestroyGuests(TimeSpan limit)
    {
        foreach (GuestSystem guest in _guests)
        {
            Libxl.DestroyGuest(guest.Kernel.DomId);
        }

        Machine.Scheduler.RunUntil(() => Leftovers().Count == 0, limit);
        return Leftovers();
    }

    /// <summary>
    /// xl destroy of one guest mid-run: it leaves <see cref="Guests"/>, so a
    /// later <see cref="DestroyGuests"/> does not destroy it twice (the
    /// domain is gone and libxl would not find it).
    /// </summary>
    public void DestroyGuest(GuestSystem guest)
    {
        Libxl.DestroyGuest(guest.Kernel.DomId);
        _guests.Remove(guest);
    }

    /// <summary>What is held beyond dom0's own baseline now (no waiting).</summary>
    public IReadOnlyList<string> Held() => Leftovers();

    private List<string> Leftovers() => [.. Machine.Outstanding().Where(o => !_dom0Baseline.Contains(o))];

    public string? ReadKey(string path) => Store.Read(path, out string value) == Errno.Ok ? value : null;

    /// <summary>
    /// Every interface any domain attached during the run, in order, including
    /// those since detached (a destroyed guest's vif still has a line in the
    /// summary); a re-attached one is here once per attachment, and the
    /// summary adds them up into one line.
    /// </summary>
    public IReadOnlyList<(string Domain, NetworkInterface Iface)> Interfaces() => _seen;

    /// <summary>Prints each domain's kernel log, the toolstack's log, and the interface table.</summary>
    public void Report(TextWriter output)
    {
        ThrowIfCaptureFailed();
        foreach (IGrouping<DomId, ConsoleLine> domain in Machine.Console.Lines.GroupBy(l => l.Domain).OrderBy(g => g.Key.Value))
        {
            output.WriteLine($"--- {domain.First().DomainName} kernel log");
            long dropped = Machine.Console.DroppedOf(domain.Key);
            if (dropped > 0)
            {
                output.WriteLine($"({dropped} earlier lines dropped: the console ring keeps the last {Machine.Console.LinesPerDomain})");
            }

            foreach (ConsoleLine line in domain)
            {
                output.WriteLine(line.ToLogLine());
            }
        }

        output.WriteLine("--- toolstack");
        foreach (string line in _toolstackLog)
        {
            output.WriteLine(line);
        }

        output.WriteLine(Captures is null ? "--- interfaces (no captures)" : $"--- interfaces (captures in {Captures.Directory})");
        InterfaceSummary.Write(output, Interfaces(), (domain, iface) => Captures is null ? null : $"{domain}.{iface}.pcap");
    }

    /// <summary>Closes the captures (throwing a write failure no step has thrown yet), then everything else whatever happened.</summary>
    public void Dispose()
    {
        try
        {
            Captures?.Dispose();
        }
        finally
        {
            Faults?.Dispose();
            Store.Dispose();
            Machine.Dispose();
        }
    }

    /// <summary>The backend chosen for a vif dom0's bus found: backend/vif/&lt;domid&gt;/&lt;handle&gt; of a guest started here.</summary>
    private VifDriver BackendFor(XenbusDevice device)
    {
        if (!Machine.TryGetDomain(device.OtherEndId, out Domain frontend)
            || !_guestOptions.TryGetValue(frontend.Name, out GuestOptions? options)
            || !int.TryParse(device.NodeName.AsSpan(device.NodeName.LastIndexOf('/') + 1), out int handle))
        {
            return VifDriver.Xvif;
        }

        return options.BackendFor(handle);
    }

    /// <summary>Records each interface a domain attaches and starts capturing it at once, before its first frame.</summary>
    private void Track(string domain, InterfaceTable interfaces) =>
        interfaces.Changed += (iface, attached) =>
        {
            if (!attached || iface.Name == "bridge0")
            {
                return;
            }

            _seen.Add((domain, iface));
            Captures?.Attach(domain, iface, Describe(domain, iface.Name));
        };

    /// <summary>
    /// The pcapng interface description: for an xvif, which guest and vif it
    /// serves (NetBSD names it xvif&lt;domid&gt;i&lt;handle&gt;, xennetback_xenbus.c).
    /// </summary>
    private string Describe(string domain, string iface)
    {
        System.Text.RegularExpressions.Match xvif = System.Text.RegularExpressions.Regex.Match(iface, "^xvif([0-9]+)i([0-9]+)$");
        if (!xvif.Success || !ushort.TryParse(xvif.Groups[1].Value, out ushort domid))
        {
            return $"{iface} of {domain}";
        }

        string guest = Machine.TryGetDomain(new DomId(domid), out Domain served) ? $"{served.Name} (dom{domid})" : $"dom{domid}";
        return $"{iface} in {domain}: the xvif backend serving {guest} vif {xvif.Groups[2].Value}";
    }

    /// <summary>all.pcapng's section comments: what ran, how, and which build.</summary>
    private static string[] SectionComments(ScenarioOptions options, string scenario)
    {
        string version = typeof(SimulatedXen).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";
        return
        [
            $"scenario: {scenario}",
            $"scheduler: {options.SchedulerName}",
            $"seed: {options.Seed}",
            $"version: XvifSim {version}",
            $"trace: {(options.Trace ? "on (tools/wireshark/xvifsim.lua decodes the LINKTYPE_USER0 interfaces)" : "off")}",
        ];
    }
}
