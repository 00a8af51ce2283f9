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

    /// <summary>The kernel of the domain whose hypercall facade is <paramref name="hypercalls"/>.</summary>
    /// <param name="hypercalls">The domain's face of the hypervisor.</param>
    /// <param name="name">The domain's name, for logs.</param>
    public GuestKernel(IHypercalls hypercalls, string name)
    {
        Hypercalls = hypercalls;
        Name = name;
        Pages = new PageAllocator(hypercalls.Memory);
        Packets = new Net.PacketPool(hypercalls.Memory, Pages, PacketPoolPages(hypercalls.Memory.Layout.RamPages));
        MapSpace = new MapSpaceAllocator(hypercalls.Memory.Layout);
        Grants = new GrantTableClient(hypercalls);
        _context = new VcpuSynchronizationContext(hypercalls.Vcpu);
        Events = new EventDispatcher(hypercalls, _context.RunInside);
    }

    /// <summary>The domain's face of the hypervisor: memory, grant-table and event-channel operations, the vCPU, the console.</summary>
    public IHypercalls Hypercalls { get; }

    /// <summary>The domain's name, as the toolstack knows it (dom0, guest1, ...).</summary>
    public string Name { get; }

    /// <summary>The domain's id.</summary>
    public DomId DomId => Hypercalls.DomId;

    /// <summary>The domain's own RAM pages, handed out one at a time.</summary>
    public PageAllocator Pages { get; }

    /// <summary>The domain's packet buffers (its mbuf pools), whose pages come from <see cref="Pages"/>.</summary>
    public Net.PacketPool Packets { get; }

    /// <summary>Gfns where foreign grants can be mapped (a backend's ring mappings).</summary>
    public MapSpaceAllocator MapSpace { get; }

    /// <summary>The domain's grant table: grants of its pages to other domains.</summary>
    public GrantTableClient Grants { get; }

    /// <summary>Software timers over VIRQ_TIMER, made on first use (VIRQ_TIMER is bound only while one is armed).</summary>
    public GuestTimers Timers => _timers ??= new GuestTimers(this);

    /// <summary>Event-channel dispatch: bind a handler to a port, notify a port.</summary>
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

    /// <summary>
    /// Hands a task the kernel started to the vCPU's fault path: if it ends
    /// faulted or cancelled, its exception is rethrown on this domain's vCPU,
    /// where the scheduler gives it to domain_crash (Machine.Crash in the
    /// emulator), exactly as if it had been thrown synchronously there. So an
    /// asynchronous failure in a driver crashes its domain, logged with its
    /// stack, instead of vanishing with a discarded task. Every task the
    /// kernel starts and does not await goes through here.
    /// </summary>
    public void Observe(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.IsCompletedSuccessfully)
        {
            return;
        }

        task.ContinueWith(
            static (done, state) => ((GuestKernel)state!).RethrowOnVcpu(done),
            this,
            CancellationToken.None,
            TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void RethrowOnVcpu(Task failed)
    {
        Exception cause = failed.Exception is { InnerExceptions.Count: 1 } single
            ? single.InnerExceptions[0]
            : (Exception?)failed.Exception ?? new TaskCanceledException(failed);
        Hypercalls.Vcpu.Schedule(() => System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause));
    }

    /// <summary>
    /// A quarter of the domain's RAM at most goes to packet buffers (NetBSD
    /// caps its mbuf clusters, nmbclusters, at a share of physical memory too).
    /// </summary>
    private static int PacketPoolPages(ulong ramPages) => (int)Math.Clamp(ramPages / 4, 1, int.MaxValue);

    /// <summary>softint_establish: a handler the data path can schedule to run later on this vCPU.</summary>
    public SoftInterrupt EstablishSoftInterrupt(Action handler) => new(this, handler, _context.RunInside);
}
