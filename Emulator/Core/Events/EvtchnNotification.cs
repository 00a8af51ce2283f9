using XvifSim.Emulator.Domains;
using XvifSim.Public;

namespace XvifSim.Emulator.Events;

/// <summary>
/// What a delivery decided under an event lock and must do after the lock is
/// released (docs/design.md, "Validate, lock, act"): kick a vCPU whose evtchn_upcall_pending went
/// from 0 to 1, or call the hypervisor consumer of a Xen-attached port.
/// A value type, so sending on the ring path allocates nothing.
/// </summary>
internal readonly struct EvtchnNotification
{
    private readonly Vcpu? _kick;
    private readonly Action<EvtchnPort>? _consumer;
    private readonly EvtchnPort _port;

    private EvtchnNotification(Vcpu? kick, Action<EvtchnPort>? consumer, EvtchnPort port)
    {
        _kick = kick;
        _consumer = consumer;
        _port = port;
    }

    /// <summary>Nothing to do: the event was already pending, masked, or already signalled.</summary>
    public static EvtchnNotification None => default;

    /// <summary>vcpu_kick of <paramref name="vcpu"/>.</summary>
    public static EvtchnNotification Kick(Vcpu vcpu) => new(vcpu, null, default);

    /// <summary>The notification function of a Xen-attached <paramref name="port"/>.</summary>
    public static EvtchnNotification Consumer(Action<EvtchnPort> consumer, EvtchnPort port) => new(null, consumer, port);

    /// <summary>Runs the deferred action. Call with no event lock held.</summary>
    public void Fire()
    {
        _kick?.Kick();
        _consumer?.Invoke(_port);
    }
}
