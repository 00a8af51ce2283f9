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

    /// <summary>Frames in more than one page piece copied into one page for a backend without feature-sg (m_defrag).</summary>
    public long TxDefragmented;

    /// <summary>"Rx multi-segment packet": frames received as a chain of pages.</summary>
    public long RxMultiSegment;

    /// <summary>"Rx csum blank": frames that arrived with NETRXF_csum_blank.</summary>
    public long RxCsumBlank;

    /// <summary>"Rx csum undeferred": blank checksums the driver completed before handing the frame up.</summary>
    public long RxCsumUndeferred;

    /// <summary>RX responses rejected by Linux netfront's status/offset check (the frame is dropped).</summary>
    public long RxRejected;

    /// <summary>Frames dropped because no fresh page could replace the filled one in its RX slot (the pool or RAM was exhausted).</summary>
    public long RxNoBuffers;

    /// <summary>Every statistic, one phrase each, for logs.</summary>
    public override string ToString() =>
        $"tx multi-segment {TxMultiSegment}, tx dropped {TxDropped}, tx queue full {TxQueueFull}, " +
        $"rx multi-segment {RxMultiSegment}, rx csum blank {RxCsumBlank}, rx csum undeferred {RxCsumUndeferred}, rx rejected {RxRejected}, " +
        $"tx defragmented {TxDefragmented}, rx no buffers {RxNoBuffers}";
}
