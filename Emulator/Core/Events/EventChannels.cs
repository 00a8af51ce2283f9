using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Emulator.Events;

/// <summary>SKELETON (to be implemented): one domain's event channels on the 2-level ABI.</summary>
public sealed class EventChannels : IEventChannelOps
{
    private readonly Domain _owner;

    internal EventChannels(Domain owner) => _owner = owner;

    public Errno AllocUnbound(ref EvtchnAllocUnbound op) => throw new NotImplementedException(_owner.ToString());

    public Errno BindInterdomain(ref EvtchnBindInterdomain op) => throw new NotImplementedException();

    public Errno BindVirq(ref EvtchnBindVirq op) => throw new NotImplementedException();

    public Errno Send(EvtchnPort port) => throw new NotImplementedException();

    public Errno Close(EvtchnPort port) => throw new NotImplementedException();

    public Errno Status(ref EvtchnStatus op) => throw new NotImplementedException();

    public Errno Unmask(EvtchnPort port) => throw new NotImplementedException();

    /// <summary>send_guest_vcpu_virq / send_guest_global_virq: raise <paramref name="virq"/> if this domain bound it.</summary>
    public void SendVirq(Virq virq)
    {
    }

    /// <summary>evtchn_destroy: close every port (on domain destruction).</summary>
    internal void CloseAll()
    {
    }

    /// <summary>Ports still open, one line each.</summary>
    public IEnumerable<string> Outstanding() => [];
}
