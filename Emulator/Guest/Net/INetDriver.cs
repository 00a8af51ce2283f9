namespace XvifSim.Guest.Net;

/// <summary>
/// The driver under a <see cref="NetworkInterface"/> (NetBSD's if_start /
/// if_transmit): it takes a frame the stack sends and puts it on the wire
/// (for xennet: the TX ring; for xvif: the guest's RX ring).
/// </summary>
public interface INetDriver
{
    /// <summary>
    /// Queues <paramref name="packet"/> for transmission and takes the
    /// caller's reference to it, as if_transmit takes the mbuf: the driver
    /// frees it once done with its pages, or at once if it drops it. False
    /// if it was dropped (the driver counts it). <paramref name="checksumBlank"/>
    /// asks the driver to offload the L4 checksum (the field is blank), as
    /// NetBSD's M_CSUM_* flags do.
    /// </summary>
    bool Output(PacketBuffer packet, bool checksumBlank);
}
