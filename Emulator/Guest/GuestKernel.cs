using XvifSim.Guest.Events;
using XvifSim.Guest.Grants;
using XvifSim.Guest.Memory;
using XvifSim.Guest.Timers;
using XvifSim.Public;

namespace XvifSim.Guest;

/// <summary>
/// The kernel services of one guest (or of dom0) that drivers build on: its
/// page allocator, grant table, event dispatch and console log, all reached
/// through the domain's hypercall facade. Everything here runs on the
/// domain's vCPU; code outside the guest hands it work with <see cref="Run"/>.
/// </summary>
public sealed class GuestKernel
{
    private readonly VcpuSynchronizationContext _context;
    private GuestTimers? _timers;

    public GuestKernel(IHypercalls hypercalls, string name)
    {
        Hypercalls = hypercalls;
        Name = name;
        Pages = new PageAllocator(hypercalls.Memory);
        MapSpace = new MapSpaceAllocator(hypercalls.Memory.Layout);
        Grants = new GrantTableClient(hypercalls);
        _context = new VcpuSynchronizationContext(hypercalls.Vcpu);
        Events = new EventDispatcher(hypercalls, _context.RunInside);
    }

    public IHypercalls Hypercalls { get; }

    /// <summary>The domain's name, as the toolstack knows it (dom0, guest1, ...).</summary>
    public string Name { get; }

    public DomId DomId => Hypercalls.DomId;

    public PageAllocator Pages { get; }

    /// <summary>Gfns where foreign grants can be mapped (a backend's ring mappings).</summary>
    public MapSpaceAllocator MapSpace { get; }

    public GrantTableClient Grants { get; }

    /// <summary>Software timers over VIRQ_TIMER, made on first use (VIRQ_TIMER is bound only while one is armed).</summary>
    public GuestTimers Timers => _timers ??= new GuestTimers(this);

    public EventDispatcher Events { get; }

    /// <summary>The domain's network interfaces.</summary>
    public Net.InterfaceTable Interfaces { get; } = new();

    /// <summary>Writes one line to the kernel log (the domain's console).</summary>
    public void Log(string line) => Hypercalls.ConsoleWrite(line);

    /// <summary>
    /// Queues <paramref name="work"/> on the domain's vCPU. An <c>await</c>
    /// inside it resumes on the vCPU too.
    /// </summary>
    public void Run(Action work) => Hypercalls.Vcpu.Schedule(() => _context.RunInside(work));

    /// <summary>softint_establish: a handler the data path can schedule to run later on this vCPU.</summary>
    public SoftInterrupt EstablishSoftInterrupt(Action handler) => new(this, handler, _context.RunInside);
}
