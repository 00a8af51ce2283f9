using XvifSim.Public.Rings;
using XvifSim.Public.Trace;

namespace XvifSim.Backend;

/// <summary>
/// The backend's trace records (docs/trace-format.md): each request is
/// recorded as it was copied out of the ring, by
/// <see cref="RingTrace.Consumed{T}"/> at the point of the copy; pushed
/// responses and index moves are recorded by the rings themselves. Without a
/// host trace sink the rings carry no <see cref="RingTrace"/> and each record
/// is a null check.
/// </summary>
public sealed partial class XvifInstance
{
    private void AttachTraces(BackRing tx, BackRing rx)
    {
        tx.Trace = RingTrace.ForNetif(Hypercalls.Trace, Hypercalls.DomId, FrontendId, (uint)Handle, TraceRingKind.NetifTx, TraceRingEnd.Backend);
        rx.Trace = RingTrace.ForNetif(Hypercalls.Trace, Hypercalls.DomId, FrontendId, (uint)Handle, TraceRingKind.NetifRx, TraceRingEnd.Backend);
    }
}
