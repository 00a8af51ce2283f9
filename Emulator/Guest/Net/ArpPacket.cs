using System.Buffers.Binary;

namespace XvifSim.Guest.Net;

/// <summary>
/// The ARP packet for Ethernet and IPv4 (RFC 826): hardware type 1, protocol
/// type 0x0800, address lengths 6 and 4, then the sender and target pairs.
/// Offsets are from the start of the ARP packet (after the Ethernet header).
/// </summary>
public static class ArpPacket
{
    /// <summary>Offset of ar_hrd, the hardware type (1, Ethernet).</summary>
    public const int HardwareTypeOffset = 0;
    /// <summary>Offset of ar_pro, the protocol type (0x0800, IPv4).</summary>
    public const int ProtocolTypeOffset = 2;
    /// <summary>Offset of ar_hln, the hardware address length (6).</summary>
    public const int HardwareLengthOffset = 4;
    /// <summary>Offset of ar_pln, the protocol address length (4).</summary>
    public const int ProtocolLengthOffset = 5;
    /// <summary>Offset of ar_op, the operation.</summary>
    public const int OperationOffset = 6;
    /// <summary>Offset of the sender's MAC.</summary>
    public const int SenderHardwareOffset = 8;
    /// <summary>Offset of the sender's IPv4 address.</summary>
    public const int SenderProtocolOffset = 14;
    /// <summary>Offset of the target's MAC.</summary>
    public const int TargetHardwareOffset = 18;
    /// <summary>Offset of the target's IPv4 address.</summary>
    public const int TargetProtocolOffset = 24;
    /// <summary>Length of an Ethernet/IPv4 ARP packet.</summary>
    public const int Length = 28;

    /// <summary>ar$hrd for Ethernet (RFC 826, "Ethernet hardware").</summary>
    public const ushort HardwareEthernet = 1;
    /// <summary>ARPOP_REQUEST.</summary>
    public const ushort OperationRequest = 1;
    /// <summary>ARPOP_REPLY.</summary>
    public const ushort OperationReply = 2;

    /// <summary>True for an Ethernet/IPv4 ARP packet this stack understands; anything else is ignored as RFC 826 says.</summary>
    public static bool IsEthernetIPv4(ReadOnlySpan<byte> arp) =>
        arp.Length >= Length
        && BinaryPrimitives.ReadUInt16BigEndian(arp[HardwareTypeOffset..]) == HardwareEthernet
        && BinaryPrimitives.ReadUInt16BigEndian(arp[ProtocolTypeOffset..]) == EthernetFrame.TypeIPv4
        && arp[HardwareLengthOffset] == 6
        && arp[ProtocolLengthOffset] == 4;

    /// <summary>Writes an Ethernet/IPv4 ARP packet of <paramref name="operation"/> into <paramref name="arp"/> (at least <see cref="Length"/> bytes).</summary>
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
