using XvifSim.Guest.Net;

namespace XvifSim.Tests.Guest.Net;

/// <summary>The driver at one end of a <see cref="Wire"/> cable: it puts what it is given (and its reference) on the wire for the peer.</summary>
internal sealed class WireEnd(Wire wire) : INetDriver
{
    /// <summary>The interface at the other end; null leaves this end unplugged (frames vanish).</summary>
    public NetworkInterface? Peer { get; set; }

    public bool Output(PacketBuffer packet, bool checksumBlank)
    {
        wire.Carry(Peer, packet, checksumBlank);
        return true;
    }
}
