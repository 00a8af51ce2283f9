using System.Buffers.Binary;

namespace XvifSim.Guest.Net;

/// <summary>Ethernet II framing (DIX / IEEE 802.3 with a type field): named offsets over a frame span.</summary>
public static class EthernetFrame
{
    /// <summary>Offset of the destination MAC.</summary>
    public const int DestinationOffset = 0;
    /// <summary>Offset of the source MAC.</summary>
    public const int SourceOffset = 6;
    /// <summary>Offset of the EtherType.</summary>
    public const int TypeOffset = 12;
    /// <summary>Length of an Ethernet II header (no VLAN tag).</summary>
    public const int HeaderLength = 14;

    /// <summary>A 9000-byte jumbo MTU plus the header and room for one 802.1Q tag: the largest frame the stacks build.</summary>
    public const int MaxFrameLength = 9018;

    /// <summary>EtherType IPv4 (RFC 894).</summary>
    public const ushort TypeIPv4 = 0x0800;

    /// <summary>EtherType ARP (RFC 826).</summary>
    public const ushort TypeArp = 0x0806;

    /// <summary>The frame's destination MAC.</summary>
    public static MacAddress Destination(ReadOnlySpan<byte> frame) => MacAddress.FromBytes(frame[DestinationOffset..]);

    /// <summary>The frame's source MAC.</summary>
    public static MacAddress Source(ReadOnlySpan<byte> frame) => MacAddress.FromBytes(frame[SourceOffset..]);

    /// <summary>The frame's EtherType.</summary>
    public static ushort Type(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt16BigEndian(frame[TypeOffset..]);

    /// <summary>Writes an Ethernet II header at the start of <paramref name="frame"/>.</summary>
    public static void WriteHeader(Span<byte> frame, MacAddress destination, MacAddress source, ushort type)
    {
        destination.CopyTo(frame[DestinationOffset..]);
        source.CopyTo(frame[SourceOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[TypeOffset..], type);
    }
}
