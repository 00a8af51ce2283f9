namespace XvifSim.Guest.Net;

/// <summary>
/// An IPv4 datagram's data (an ICMP message, a UDP datagram) in place in the
/// received <see cref="PacketBuffer"/>: <paramref name="Length"/> bytes from
/// <paramref name="Offset"/> of the frame, possibly across segments.
/// </summary>
internal readonly record struct Datagram(PacketBuffer Packet, int Offset, int Length)
{
    /// <summary>The first <paramref name="length"/> bytes in place, if they lie in the buffer's first segment.</summary>
    public bool TryHead(int length, out Span<byte> head)
    {
        if (length > Length || !Packet.TryHead(Offset + length, out head))
        {
            head = default;
            return false;
        }

        head = head[Offset..];
        return true;
    }

    /// <summary>The Internet checksum sum of the data, on top of <paramref name="sum"/>.</summary>
    public uint Checksum(uint sum) => Packet.Checksum(sum, Offset, Length);
}
