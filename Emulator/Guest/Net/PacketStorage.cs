namespace XvifSim.Guest.Net;

/// <summary>What a segment of a <see cref="PacketBuffer"/> owns, and gives back to its <see cref="PacketPool"/> when the buffer is freed.</summary>
internal enum PacketStorage : byte
{
    /// <summary>The half page (MCLBYTES) the segment's data lies in.</summary>
    Cluster,

    /// <summary>The whole page (a received RX page the frontend swapped out of its ring).</summary>
    Page,
}
