using XvifSim.Public;

namespace XvifSim.Guest.Net;

/// <summary>
/// One piece of a <see cref="PacketBuffer"/>: <paramref name="Length"/> bytes at
/// <paramref name="Offset"/> in page <paramref name="Gfn"/> of the domain's own
/// RAM (one mbuf of a chain: m_data inside its cluster or page).
/// </summary>
public readonly record struct PacketSegment(Gfn Gfn, int Offset, int Length);
