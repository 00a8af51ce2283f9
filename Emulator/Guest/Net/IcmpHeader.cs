namespace XvifSim.Guest.Net;

/// <summary>The ICMP echo header (RFC 792): type, code, checksum, identifier, sequence number.</summary>
public static class IcmpHeader
{
    /// <summary>Offset of the ICMP type.</summary>
    public const int TypeOffset = 0;
    /// <summary>Offset of the ICMP code.</summary>
    public const int CodeOffset = 1;
    /// <summary>Offset of the checksum.</summary>
    public const int ChecksumOffset = 2;
    /// <summary>Offset of the echo identifier.</summary>
    public const int IdentifierOffset = 4;
    /// <summary>Offset of the echo sequence number.</summary>
    public const int SequenceOffset = 6;
    /// <summary>Length of an echo header.</summary>
    public const int Length = 8;

    /// <summary>ICMP_ECHOREPLY.</summary>
    public const byte TypeEchoReply = 0;
    /// <summary>ICMP_ECHO.</summary>
    public const byte TypeEchoRequest = 8;
}
