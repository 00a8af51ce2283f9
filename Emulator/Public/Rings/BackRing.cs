using XvifSim.Public.Trace;

namespace XvifSim.Public.Rings;

/// <summary>
/// The backend's private state of one io/ring.h ring (struct *_back_ring):
/// req_cons, the next request to read, and rsp_prod_pvt, where its next
/// response goes. It consumes requests and produces responses. The frontend
/// controls req_prod: read it once per pass and never trust it beyond what
/// <see cref="UnconsumedRequests"/> allows.
/// </summary>
public sealed class BackRing
{
    /// <summary>BACK_RING_INIT over a page the frontend set up.</summary>
    public BackRing(Memory<byte> page, int entrySize)
    {
        Page = page;
        EntrySize = entrySize;
        Size = SharedRing.Size(entrySize);
    }

    /// <summary>The shared ring page (a page of guest memory; see IGuestMemory.PageMemory).</summary>
    public Memory<byte> Page { get; }

    /// <summary>Bytes per entry (the larger of request and response).</summary>
    public int EntrySize { get; }

    /// <summary>Entries in the ring (a power of two, __RING_SIZE).</summary>
    public uint Size { get; }

    /// <summary>req_cons: the next request to read.</summary>
    public RingIndex ReqCons { get; set; }

    /// <summary>rsp_prod_pvt: responses written but not yet pushed.</summary>
    public RingIndex RspProdPvt { get; set; }

    /// <summary>Where this end reports its pushes and event-index writes; null (no trace) costs a null check.</summary>
    public RingTrace? Trace { get; set; }

    /// <summary>The byte offset in the page of the entry at <paramref name="index"/>.</summary>
    public int EntryOffset(RingIndex index) => SharedRing.EntryOffset(index, Size, EntrySize);

    /// <summary>The shared req_prod, read once.</summary>
    public RingIndex ReadReqProd() => new(SharedBits.ReadU32(Page.Span, SharedRing.ReqProdOffset));

    /// <summary>
    /// RING_HAS_UNCONSUMED_REQUESTS: min(req_prod - req_cons, size - (req_cons - rsp_prod_pvt)),
    /// so a frontend that publishes an impossible req_prod can never make the
    /// backend read more than the ring's free space.
    /// </summary>
    public uint UnconsumedRequests(RingIndex reqProd)
    {
        uint published = reqProd - ReqCons;
        uint room = Size - (ReqCons - RspProdPvt);
        return Math.Min(published, room);
    }

    /// <summary>RING_REQUEST_CONS_OVERFLOW: consuming at <paramref name="cons"/> would overrun unanswered requests.</summary>
    public bool RequestConsOverflow(RingIndex cons) => cons - RspProdPvt >= Size;

    /// <summary>
    /// RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: publish rsp_prod_pvt (after a
    /// write barrier) and say whether the frontend asked to be notified.
    /// </summary>
    public bool PushResponsesAndCheckNotify()
    {
        Span<byte> page = Page.Span;
        var old = new RingIndex(SharedBits.ReadU32(page, SharedRing.RspProdOffset));
        RingBarrier.Wmb();
        SharedBits.WriteU32(page, SharedRing.RspProdOffset, RspProdPvt.Value);
        RingBarrier.Mb();
        var eventIndex = new RingIndex(SharedBits.ReadU32(page, SharedRing.RspEventOffset));
        bool notify = SharedRing.ShouldNotify(RspProdPvt, eventIndex, old);
        Trace?.Pushed(page, Size, EntrySize, TraceRingAction.ResponsePushed, TraceRingIndexKind.RspProd, old, RspProdPvt, eventIndex, notify);
        return notify;
    }

    /// <summary>
    /// RING_FINAL_CHECK_FOR_REQUESTS: if nothing is waiting, ask to be woken
    /// by the next request (req_event = req_cons + 1), then look again.
    /// True if work is waiting.
    /// </summary>
    public bool FinalCheckForRequests()
    {
        if (UnconsumedRequests(ReadReqProd()) != 0)
        {
            return true;
        }

        SharedBits.WriteU32(Page.Span, SharedRing.ReqEventOffset, (ReqCons + 1).Value);
        Trace?.Index(TraceRingIndexKind.ReqEvent, notify: false, ReqCons, ReqCons + 1, default);
        RingBarrier.Mb();
        return UnconsumedRequests(ReadReqProd()) != 0;
    }

    /// <summary>
    /// Whether <paramref name="needed"/> requests are waiting; if not, ask to
    /// be woken by the next one (req_event = req_prod + 1, full barrier) and
    /// look again, so none is missed. Not an io/ring.h macro: Linux netback's
    /// xenvif_rx_ring_slots_available, for a backend that waits on buffers.
    /// </summary>
    public bool RequestsAvailable(uint needed)
    {
        RingIndex prod;
        do
        {
            prod = ReadReqProd();
            if (prod - ReqCons >= needed)
            {
                return true;
            }

            SharedBits.WriteU32(Page.Span, SharedRing.ReqEventOffset, (prod + 1).Value);
            Trace?.Index(TraceRingIndexKind.ReqEvent, notify: false, ReqCons, prod + 1, default);
            RingBarrier.Mb();
        }
        while (ReadReqProd() != prod);

        return false;
    }
}
