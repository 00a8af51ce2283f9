namespace XvifSim.Guest.Net;

/// <summary>The UDP header (RFC 768): source port, destination port, length, checksum.</summary>
public static class UdpHeader
{
    /// <summary>Offset of the source port.</summary>
    public const int SourcePortOffset = 0;
    /// <summary>Offset of the destination port.</summary>
    public const int DestinationPortOffset = 2;
    /// <summary>Offset of the length (header and payload).</summary>
    public const int LengthOffset = 4;
    /// <summary>Offset of the checksum.</summary>
    public const int ChecksumOffset = 6;
    /// <summary>Length of the UDP header.</summary>
    public const int Length = 8;
}
