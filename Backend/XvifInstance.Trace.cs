using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Public.Trace;

namespace XvifSim.Backend;

/// <summary>
/// The backend's trace records (docs/trace-format.md): each request as it was
/// copied out of the ring (the copy, not the shared bytes, which the frontend
/// may have changed since). Pushed responses and index moves are recorded by
/// the rings themselves. Without a host trace sink the rings carry no
/// <see cref="RingTrace"/> and each of these is a null check.
/// </summary>
public sealed partial class XvifInstance
{
    private void AttachTraces(BackRing tx, BackRing rx)
    {
        tx.Trace = RingTrace.ForNetif(Hypercalls.Trace, Hypercalls.DomId, FrontendId, (uint)Handle, TraceRingKind.NetifTx, TraceRingEnd.Backend);
        rx.Trace = RingTrace.ForNetif(Hypercalls.Trace, Hypercalls.DomId, FrontendId, (uint)Handle, TraceRingKind.NetifRx, TraceRingEnd.Backend);
    }

    private static void TraceConsumed(BackRing ring, RingIndex index, in NetifTxRequest request)
    {
        if (ring.Trace is { } trace)
        {
            Span<byte> entry = stackalloc byte[NetifTxRequest.Size];
            request.Write(entry);
            trace.Entry(TraceRingAction.RequestConsumed, index, (uint)index.Slot(ring.Size), entry);
        }
    }

    private static void TraceConsumed(BackRing ring, RingIndex index, in NetifRxRequest request)
    {
        if (ring.Trace is { } trace)
        {
            Span<byte> entry = stackalloc byte[NetifRxRequest.Size];
            request.Write(entry);
            trace.Entry(TraceRingAction.RequestConsumed, index, (uint)index.Slot(ring.Size), entry);
        }
    }
}
