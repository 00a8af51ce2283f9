namespace XvifSim.Host.Captures;

/// <summary>
/// Where pcapng interfaces and their records go: straight into a
/// <see cref="PcapngWriter"/> (xenstored --trace, tests), or through a
/// capture session's <see cref="CaptureWriter"/> off the vCPUs. Either way a
/// record is stamped with the clock under the same lock that fixes its place
/// in the file, so the file is in time order.
/// </summary>
internal interface IPcapngRecords
{
    /// <summary>Adds an interface; returns its id for <see cref="WritePacket"/>. An empty <paramref name="mac"/> leaves out if_MACaddr.</summary>
    uint AddInterface(string name, string description, ReadOnlySpan<byte> mac, uint snapLength, ushort linkType = PcapngWriter.LinkTypeEthernet);

    /// <summary>Writes one record on <paramref name="interfaceId"/> stamped with <paramref name="clock"/>; <paramref name="inbound"/> null leaves out epb_flags.</summary>
    void WritePacket(uint interfaceId, Func<ulong> clock, ReadOnlySpan<byte> frame, bool? inbound);
}
