namespace XvifSim.Public;

/// <summary>An event-channel port, event_channel.h's <c>evtchn_port_t</c> (u32).</summary>
public readonly record struct EvtchnPort(uint Value)
{
    /// <summary>port N.</summary>
    public override string ToString() => $"port {Value}";
}
