namespace XvifSim.Guest.Net;

/// <summary>
/// The flow hash a driver records on a received packet (Linux's skb->hash set
/// by skb_set_hash), for the stack to steer by. Default: no hash.
/// </summary>
public readonly record struct PacketHash(uint Value, PacketHashKind Kind)
{
    /// <summary>True if the packet carries a hash (<see cref="Kind"/> is not <see cref="PacketHashKind.None"/>).</summary>
    public bool IsPresent => Kind != PacketHashKind.None;
}
