namespace XvifSim.Guest.Net;

/// <summary>
/// The driver under a <see cref="NetworkInterface"/> (NetBSD's if_start /
/// if_transmit): it takes a frame the stack sends and puts it on the wire
/// (for xennet: the TX ring; for xvif: the guest's RX ring).
/// </summary>
public interface INetDriver
{
    /// <summary>
    /// Queues <paramref name="frame"/> for transmission; the driver copies what
    /// it needs before returning. False if it was dropped (the driver counts
    /// it). <paramref name="checksumBlank"/> asks the driver to offload the L4
    /// checksum (the field is blank), as NetBSD's M_CSUM_* flags do.
    /// </summary>
    bool Output(ReadOnlySpan<byte> frame, bool checksumBlank);
}
