using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.Memory;
using XvifSim.Public.Trace;

namespace XvifSim.Tests.Hostile;

/// <summary>
/// Dom0's hypercall facade with a hook before each GNTTABOP_copy: the moment
/// after the backend has copied a request out of the ring and before it uses
/// it, which is where a double-fetch attack (XSA-155) strikes.
/// </summary>
internal sealed class InterposedHypercalls(IHypercalls inner) : IHypercalls, IGrantTableOps
{
    /// <summary>Runs once, on dom0's vCPU, before the next grant copy; then is cleared.</summary>
    public Action? BeforeNextCopy { get; set; }

    public DomId DomId => inner.DomId;

    public bool IsPrivileged => inner.IsPrivileged;

    public StartInfo StartInfo => inner.StartInfo;

    public IGuestMemory Memory => inner.Memory;

    public IGrantTableOps GrantTable => this;

    public IEventChannelOps EventChannel => inner.EventChannel;

    public IVcpu Vcpu => inner.Vcpu;

    public ITraceSink? Trace => inner.Trace;

    public void ConsoleWrite(string line) => inner.ConsoleWrite(line);

    public void MapGrantRef(Span<GnttabMapGrantRef> ops) => inner.GrantTable.MapGrantRef(ops);

    public void UnmapGrantRef(Span<GnttabUnmapGrantRef> ops) => inner.GrantTable.UnmapGrantRef(ops);

    public void Copy(Span<GnttabCopy> ops)
    {
        Action? hook = BeforeNextCopy;
        BeforeNextCopy = null;
        hook?.Invoke();
        inner.GrantTable.Copy(ops);
    }

    public void SetupTable(ref GnttabSetupTable op) => inner.GrantTable.SetupTable(ref op);

    public void QuerySize(ref GnttabQuerySize op) => inner.GrantTable.QuerySize(ref op);
}
