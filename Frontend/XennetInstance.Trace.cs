using XvifSim.Public.Rings;
using XvifSim.Public.Trace;

namespace XvifSim.Frontend;

/// <summary>
/// The frontend's trace records (docs/trace-format.md): each response is
/// recorded as it was copied out of the ring, by
/// <see cref="RingTrace.Consumed{T}"/> at the point of the copy; pushed
/// requests and index moves are recorded by the rings themselves. Without a
/// host trace sink the rings carry no <see cref="RingTrace"/> and each record
/// is a null check.
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
}
