namespace XvifSim.Frontend;

/// <summary>
/// The driver's event counters (NetBSD xennet's evcnts, plus the RX rejects
/// Linux netfront counts as rx_errors). Interface counters (OutDrops,
/// OutErrors, InDrops, InErrors) live on the NetworkInterface.
/// </summary>
public sealed class XennetStatistics
{
    /// <summary>"Tx multi-segment packet": frames sent as a chain of more than one slot.</summary>
    public long TxMultiSegment;

    /// <summary>"Tx packet dropped": frames the driver refused (too big, queue full, no grant, not connected, broken).</summary>
    public long TxDropped;

    /// <summary>"Tx queue full": frames dropped because the ring had fewer free slots than the frame needs.</summary>
    public long TxQueueFull;

    /// <summary>"Rx multi-segment packet": frames reassembled from a chain.</summary>
    public long RxMultiSegment;

    /// <summary>"Rx csum blank": frames that arrived with NETRXF_csum_blank.</summary>
    public long RxCsumBlank;

    /// <summary>"Rx csum undeferred": blank checksums the driver completed before handing the frame up.</summary>
    public long RxCsumUndeferred;

    /// <summary>RX responses rejected by Linux netfront's status/offset check (the frame is dropped).</summary>
    public long RxRejected;

    /// <summary>Every statistic, one phrase each, for logs.</summary>
    public override string ToString() =>
        $"tx multi-segment {TxMultiSegment}, tx dropped {TxDropped}, tx queue full {TxQueueFull}, " +
        $"rx multi-segment {RxMultiSegment}, rx csum blank {RxCsumBlank}, rx csum undeferred {RxCsumUndeferred}, rx rejected {RxRejected}";
}
