namespace XvifSim.Guest.Net;

/// <summary>The UDP header (RFC 768): source port, destination port, length, checksum.</summary>
public static class UdpHeader
{
    public const int SourcePortOffset = 0;
    public const int DestinationPortOffset = 2;
    public const int LengthOffset = 4;
    public const int ChecksumOffset = 6;
    public const int Length = 8;
}
