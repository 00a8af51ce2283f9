using XvifSim.Emulator.Scheduling;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Trace;

namespace XvifSim.Emulator.Domains;

/// <summary>
/// vCPU 0 of a domain: runs the upcall when evtchn_upcall_pending is set and
/// evtchn_upcall_mask clear (Xen's vcpu_kick and the return-to-guest check),
/// the single-shot timer that raises VIRQ_TIMER, and queued guest work.
/// </summary>
internal sealed class Vcpu : IVcpu
{
    private readonly Domain _domain;
    private readonly IVcpuContext _context;

    /// <summary>The timer's expiry, made once: a guest re-arms its timer often (watchdogs, ARP).</summary>
    private readonly Action _raiseTimerVirq;

    /// <summary>The upcall check, made once: it is posted for every event, on the per-frame path.</summary>
    private readonly Action _runUpcall;
    private Action? _upcall;
    private int _upcallQueued;

    public Vcpu(Domain domain, IVcpuContext context)
    {
        _domain = domain;
        _context = context;
        _raiseTimerVirq = () => _domain.EventChannels.SendVirq(Virq.Timer);
        _runUpcall = RunUpcall;
    }

    public uint Id => 0;

    public ulong SystemTimeNs => _domain.Machine.Scheduler.NowNs;

    public IVcpuContext Context => _context;

    public void SetUpcallHandler(Action upcall) => Volatile.Write(ref _upcall, upcall);

    public void SetSingleshotTimer(ulong timeoutAbsNs) => _context.SetTimer(timeoutAbsNs, _raiseTimerVirq);

    public void StopSingleshotTimer() => _context.CancelTimer();

    public void Schedule(Action work) => _context.Post(work);

    public void ForceEvtchnCallback() => Kick();

    /// <summary>vcpu_kick: make the vCPU look at evtchn_upcall_pending soon. At most one check is queued at a time.</summary>
    public void Kick()
    {
        if (Interlocked.Exchange(ref _upcallQueued, 1) == 0)
        {
            _context.Post(_runUpcall);
        }
    }

    private void RunUpcall()
    {
        Volatile.Write(ref _upcallQueued, 0);
        Span<byte> shared = _domain.SharedInfo.Span;
        int vcpuInfo = SharedInfoLayout.VcpuInfo((int)Id);
        if (SharedBits.ReadU8(shared, vcpuInfo + VcpuInfoLayout.EvtchnUpcallPending) == 0
            || SharedBits.ReadU8(shared, vcpuInfo + VcpuInfoLayout.EvtchnUpcallMask) != 0)
        {
            return;
        }

        Action? upcall = Volatile.Read(ref _upcall);
        if (upcall is null)
        {
            return;
        }

        if (_domain.Machine.HypervisorTrace is { } trace)
        {
            // The port is not known here: the guest's upcall scans evtchn_pending_sel itself.
            TraceRecord.EmitEvtchn(trace, _domain.Id, TraceEvtchnOp.Upcall, default, DomId.Invalid, default, Errno.Ok);
        }

        upcall();

        // Return to guest: if the handler left an upcall pending (a new event
        // raced with its scan), Xen delivers it again.
        if (SharedBits.ReadU8(shared, vcpuInfo + VcpuInfoLayout.EvtchnUpcallPending) != 0)
        {
            Kick();
        }
    }
}
