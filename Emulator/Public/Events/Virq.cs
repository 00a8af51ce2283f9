namespace XvifSim.Public.Events;

/// <summary>Virtual IRQs a domain can bind a port to (xen.h VIRQ_*).</summary>
public enum Virq : uint
{
    /// <summary>VIRQ_TIMER: the vCPU's single-shot timer expired (per vCPU).</summary>
    Timer = 0,
    /// <summary>VIRQ_DEBUG: a request for debug output (per vCPU).</summary>
    Debug = 1,
    /// <summary>VIRQ_CONSOLE: (dom0) bytes arrived on the emergency console.</summary>
    Console = 2,
    /// <summary>VIRQ_DOM_EXC: (dom0) a domain changed state, e.g. it died (global).</summary>
    DomExc = 3,
    /// <summary>VIRQ_TBUF: (dom0) trace buffer has records.</summary>
    Tbuf = 4,
    /// <summary>VIRQ_DEBUGGER: (dom0) a domain paused for a debugger.</summary>
    Debugger = 6,
    /// <summary>VIRQ_XENOPROF: profiling samples (per vCPU).</summary>
    Xenoprof = 7,
    /// <summary>VIRQ_CON_RING: (dom0) the console ring has data.</summary>
    ConRing = 8,
    /// <summary>VIRQ_PCPU_STATE: (dom0) physical CPU state changed.</summary>
    PcpuState = 9,
    /// <summary>VIRQ_MEM_EVENT: (dom0) a memory event.</summary>
    MemEvent = 10,
    /// <summary>VIRQ_ARGO: Argo interdomain message (per vCPU).</summary>
    Argo = 11,
    /// <summary>VIRQ_ENOMEM: (dom0) Xen is low on heap memory.</summary>
    Enomem = 12,
    /// <summary>VIRQ_XENPMU: PMC interrupt (per vCPU).</summary>
    Xenpmu = 13,
}

/// <summary>Facts about VIRQ numbers (xen.h).</summary>
public static class VirqInfo
{
    /// <summary>NR_VIRQS: bind_virq refuses numbers at or above this with -EINVAL.</summary>
    public const uint NrVirqs = 24;

    /// <summary>
    /// A global VIRQ is delivered to one domain, on vCPU 0 only; the rest are
    /// per vCPU (Xen's virq_is_global()).
    /// </summary>
    public static bool IsGlobal(Virq virq) => virq switch
    {
        Virq.Timer or Virq.Debug or Virq.Xenoprof or Virq.Xenpmu or Virq.Argo => false,
        _ => true,
    };
}
