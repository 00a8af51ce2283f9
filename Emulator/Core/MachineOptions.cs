using XvifSim.Emulator.Domains;
using XvifSim.Public.Trace;

namespace XvifSim.Emulator;

/// <summary>How a <see cref="Machine"/> is set up.</summary>
public sealed record MachineOptions
{
    /// <summary>Dom0's memory and limits.</summary>
    public DomainConfig Dom0 { get; init; } = new("Domain-0");

    /// <summary>
    /// Run xenstored (the default). Without it the machine is the bare
    /// hypervisor, as Xen is before dom0 starts its daemon: domains get no
    /// store ring or port, which lets tests of grants and events see every
    /// port a domain has.
    /// </summary>
    public bool XenStore { get; init; } = true;

    /// <summary>Lines each domain's console ring keeps before it overwrites the oldest (counted as dropped).</summary>
    public int ConsoleLinesPerDomain { get; init; } = XenConsole.DefaultLinesPerDomain;

    /// <summary>
    /// Where the hypervisor, xenstored and the guests' drivers report protocol
    /// records (docs/trace-format.md); null, the default, traces nothing.
    /// </summary>
    public ITraceSink? Trace { get; init; }
}
