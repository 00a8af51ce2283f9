using XvifSim.Host.Faults;
using XvifSim.Host.Scenarios;

namespace XvifSim.Host;

/// <summary>How <see cref="XenHost.Start"/> builds the host.</summary>
public sealed record XenHostOptions
{
    /// <summary>
    /// The deterministic scheduler's seed: the same seed and the same test
    /// give the same interleaving, logs and captures. Ignored when
    /// <see cref="Threaded"/>.
    /// </summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Run vCPUs on worker threads in real time (for races and throughput)
    /// instead of one thread with a virtual clock. Waits then take real time.
    /// </summary>
    public bool Threaded { get; init; }

    /// <summary>
    /// With <see cref="Threaded"/>: how many pCPUs (worker threads) run the
    /// vCPUs, 1 to 256; null (the default) gives one per core. Every vCPU
    /// still runs on one pCPU at a time, so fewer pCPUs than guests is fine.
    /// </summary>
    public int? Pcpus { get; init; }

    /// <summary>
    /// Folder for captures: every interface of every domain, dom0's and yours,
    /// is written to <c>&lt;folder&gt;/&lt;Name&gt;/&lt;domain&gt;.&lt;interface&gt;.pcap</c>
    /// and all together to <c>all.pcapng</c>. Null (the default) writes none.
    /// Needs libpcap (Debian's libpcap0.8).
    /// </summary>
    public string? CaptureDirectory { get; init; }

    /// <summary>The run's name: the captures' subfolder. Defaults to "xenhost".</summary>
    public string Name { get; init; } = "xenhost";

    /// <summary>How long a wait with no explicit timeout runs (scheduler time) before it fails: 10 s.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Faults to inject, installed before dom0 boots, e.g.
    /// <c>FaultPlan.Parse(["xs:op=TRANSACTION_END,dom=1,error=EAGAIN,count=2"])</c>;
    /// the syntax is <see cref="FaultSpec"/>'s, the same as the command line's
    /// <c>--fault</c>. Each strike is logged where it lands. Null injects none.
    /// </summary>
    public FaultPlan? Faults { get; init; }

    /// <summary>
    /// Write the protocol trace (XenStore messages, xenbus states, ring slots,
    /// grant operations, events) into all.pcapng beside the frames; on by
    /// default, and only written when <see cref="CaptureDirectory"/> is set.
    /// </summary>
    public bool Trace { get; init; } = true;

    /// <summary>The options the host machinery (SimulatedXen) takes.</summary>
    internal ScenarioOptions ToScenarioOptions() => new(Seed, Threaded) { CaptureDirectory = CaptureDirectory, Faults = Faults, Trace = Trace, Pcpus = Pcpus };
}
