using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Public.Trace;

namespace XvifSim.Frontend;

/// <summary>
/// The frontend's trace records (docs/trace-format.md): each response as it
/// was copied out of the ring. Pushed requests and index moves are recorded
/// by the rings themselves. Without a host trace sink the rings carry no
/// <see cref="RingTrace"/> and each of these is a null check.
/// </summary>
public sealed partial class XennetInstance
{
    private void AttachTraces(FrontRing tx, FrontRing rx)
    {
        ITraceSink? sink = _kernel.Hypercalls.Trace;
        if (sink is null)
        {
            return;
        }

        // The vif's handle is the last component of device/vif/<handle>.
        string node = _device.NodeName;
        uint handle = uint.TryParse(node.AsSpan(node.LastIndexOf('/') + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint parsed) ? parsed : 0;
        tx.Trace = RingTrace.ForNetif(sink, _kernel.DomId, _kernel.DomId, handle, TraceRingKind.NetifTx, TraceRingEnd.Frontend);
        rx.Trace = RingTrace.ForNetif(sink, _kernel.DomId, _kernel.DomId, handle, TraceRingKind.NetifRx, TraceRingEnd.Frontend);
    }

    private static void TraceConsumed(FrontRing ring, RingIndex index, in NetifTxResponse response)
    {
        if (ring.Trace is { } trace)
        {
            Span<byte> entry = stackalloc byte[NetifTxResponse.Size];
            response.Write(entry);
            trace.Entry(TraceRingAction.ResponseConsumed, index, (uint)index.Slot(ring.Size), entry);
        }
    }

    private static void TraceConsumed(FrontRing ring, RingIndex index, in NetifRxResponse response)
    {
        if (ring.Trace is { } trace)
        {
            Span<byte> entry = stackalloc byte[NetifRxResponse.Size];
            response.Write(entry);
            trace.Entry(TraceRingAction.ResponseConsumed, index, (uint)index.Slot(ring.Size), entry);
        }
    }
}
