using System.Buffers.Binary;

namespace XvifSim.Guest.Net;

/// <summary>
/// The ARP packet for Ethernet and IPv4 (RFC 826): hardware type 1, protocol
/// type 0x0800, address lengths 6 and 4, then the sender and target pairs.
/// Offsets are from the start of the ARP packet (after the Ethernet header).
/// </summary>
public static class ArpPacket
{
    public const int HardwareTypeOffset = 0;
    public const int ProtocolTypeOffset = 2;
    public const int HardwareLengthOffset = 4;
    public const int ProtocolLengthOffset = 5;
    public const int OperationOffset = 6;
    public const int SenderHardwareOffset = 8;
    public const int SenderProtocolOffset = 14;
    public const int TargetHardwareOffset = 18;
    public const int TargetProtocolOffset = 24;
    public const int Length = 28;

    /// <summary>ar$hrd for Ethernet (RFC 826, "Ethernet hardware").</summary>
    public const ushort HardwareEthernet = 1;
    public const ushort OperationRequest = 1;
    public const ushort OperationReply = 2;

    /// <summary>True for an Ethernet/IPv4 ARP packet this stack understands; anything else is ignored as RFC 826 says.</summary>
    public static bool IsEthernetIPv4(ReadOnlySpan<byte> arp) =>
        arp.Length >= Length
        && BinaryPrimitives.ReadUInt16BigEndian(arp[HardwareTypeOffset..]) == HardwareEthernet
        && BinaryPrimitives.ReadUInt16BigEndian(arp[ProtocolTypeOffset..]) == EthernetFrame.TypeIPv4
        && arp[HardwareLengthOffset] == 6
        && arp[ProtocolLengthOffset] == 4;

    public static void Write(Span<byte> arp, ushort operation, MacAddress senderMac, IPv4Address senderIp, MacAddress targetMac, IPv4Address targetIp)
    {
        BinaryPrimitives.WriteUInt16BigEndian(arp[HardwareTypeOffset..], HardwareEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(arp[ProtocolTypeOffset..], EthernetFrame.TypeIPv4);
        arp[HardwareLengthOffset] = 6;
        arp[ProtocolLengthOffset] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[OperationOffset..], operation);
        senderMac.CopyTo(arp[SenderHardwareOffset..]);
        senderIp.CopyTo(arp[SenderProtocolOffset..]);
        targetMac.CopyTo(arp[TargetHardwareOffset..]);
        targetIp.CopyTo(arp[TargetProtocolOffset..]);
    }
}
