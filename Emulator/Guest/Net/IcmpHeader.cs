namespace XvifSim.Guest.Net;

/// <summary>The ICMP echo header (RFC 792): type, code, checksum, identifier, sequence number.</summary>
public static class IcmpHeader
{
    public const int TypeOffset = 0;
    public const int CodeOffset = 1;
    public const int ChecksumOffset = 2;
    public const int IdentifierOffset = 4;
    public const int SequenceOffset = 6;
    public const int Length = 8;

    public const byte TypeEchoReply = 0;
    public const byte TypeEchoRequest = 8;
}
