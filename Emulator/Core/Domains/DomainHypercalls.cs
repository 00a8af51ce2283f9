using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.Memory;
using XvifSim.Public.Trace;

namespace XvifSim.Emulator.Domains;

/// <summary>
/// The per-domain hypercall facade. It carries its domain's identity, so a
/// guest holding it can act only as itself; the grant-table and event-channel
/// code checks privilege against that identity.
/// </summary>
internal sealed class DomainHypercalls(Domain domain) : IHypercalls
{
    public DomId DomId => domain.Id;

    public bool IsPrivileged => domain.IsPrivileged;

    public StartInfo StartInfo => new(domain.Memory.Layout, domain.Memory.Layout.XenstoreRing, domain.StoreEvtchn);

    public IGuestMemory Memory => domain.Memory;

    public IGrantTableOps GrantTable => domain.GrantTable;

    public IEventChannelOps EventChannel => domain.EventChannels;

    public IVcpu Vcpu => domain.Vcpu;

    public ITraceSink? Trace => domain.Machine.Trace;

    public void ConsoleWrite(string line) => domain.Machine.Console.Write(domain, line);
}
