using XvifSim.Public.Trace;

namespace XvifSim.Public.Rings;

/// <summary>
/// The frontend's private state of one io/ring.h ring (struct *_front_ring):
/// req_prod_pvt, where its next request goes, and rsp_cons, the next
/// response to read. It produces requests and consumes responses.
/// </summary>
public sealed class FrontRing
{
    /// <summary>FRONT_RING_INIT over a page already set up with <see cref="SharedRing.Init"/>.</summary>
    public FrontRing(Memory<byte> page, int entrySize)
    {
        Page = page;
        EntrySize = entrySize;
        Size = SharedRing.Size(entrySize);
    }

    /// <summary>The shared ring page (a page of guest memory; see IGuestMemory.PageMemory).</summary>
    public Memory<byte> Page { get; }

    /// <summary>Bytes per entry (the larger of request and response).</summary>
    public int EntrySize { get; }

    /// <summary>RING_SIZE: entries in the ring.</summary>
    public uint Size { get; }

    /// <summary>req_prod_pvt: requests written but not yet pushed.</summary>
    public RingIndex ReqProdPvt { get; set; }

    /// <summary>rsp_cons: the next response to read.</summary>
    public RingIndex RspCons { get; set; }

    /// <summary>Where this end reports its pushes and event-index writes; null (no trace) costs a null check.</summary>
    public RingTrace? Trace { get; set; }

    /// <summary>RING_FREE_REQUESTS: slots free for new requests (not yet answered ones count as used).</summary>
    public uint FreeRequests => Size - (ReqProdPvt - RspCons);

    /// <summary>RING_FULL.</summary>
    public bool IsFull => FreeRequests == 0;

    /// <summary>The byte offset of the entry at <paramref name="index"/>.</summary>
    public int EntryOffset(RingIndex index) => SharedRing.EntryOffset(index, Size, EntrySize);

    /// <summary>The entry bytes for the next request (at req_prod_pvt).</summary>
    public Span<byte> NextRequest() => Page.Span.Slice(EntryOffset(ReqProdPvt), EntrySize);

    /// <summary>The shared rsp_prod, read once (the caller must not trust it beyond the ring size).</summary>
    public RingIndex ReadRspProd() => new(SharedBits.ReadU32(Page.Span, SharedRing.RspProdOffset));

    /// <summary>
    /// RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: publish req_prod_pvt (after a
    /// write barrier) and say whether the backend asked to be notified.
    /// </summary>
    public bool PushRequestsAndCheckNotify()
    {
        Span<byte> page = Page.Span;
        var old = new RingIndex(SharedBits.ReadU32(page, SharedRing.ReqProdOffset));
        RingBarrier.Wmb();
        SharedBits.WriteU32(page, SharedRing.ReqProdOffset, ReqProdPvt.Value);
        RingBarrier.Mb();
        var eventIndex = new RingIndex(SharedBits.ReadU32(page, SharedRing.ReqEventOffset));
        bool notify = SharedRing.ShouldNotify(ReqProdPvt, eventIndex, old);
        Trace?.Pushed(page, Size, EntrySize, TraceRingAction.RequestPushed, TraceRingIndexKind.ReqProd, old, ReqProdPvt, eventIndex, notify);
        return notify;
    }

    /// <summary>RING_HAS_UNCONSUMED_RESPONSES as a count: responses published and not yet read.</summary>
    public uint UnconsumedResponses(RingIndex rspProd) => rspProd - RspCons;

    /// <summary>
    /// RING_FINAL_CHECK_FOR_RESPONSES: if nothing is waiting, ask to be woken
    /// by the next response (rsp_event = rsp_cons + 1), then look again so a
    /// response published meanwhile is not missed. True if work is waiting.
    /// </summary>
    public bool FinalCheckForResponses()
    {
        if (UnconsumedResponses(ReadRspProd()) != 0)
        {
            return true;
        }

        SharedBits.WriteU32(Page.Span, SharedRing.RspEventOffset, (RspCons + 1).Value);
        Trace?.Index(TraceRingIndexKind.RspEvent, notify: false, RspCons, RspCons + 1, default);
        RingBarrier.Mb();
        return UnconsumedResponses(ReadRspProd()) != 0;
    }

    /// <summary>Sets rsp_event: the backend notifies when its rsp_prod passes this index.</summary>
    public void SetRspEvent(RingIndex index)
    {
        SharedBits.WriteU32(Page.Span, SharedRing.RspEventOffset, index.Value);
        Trace?.Index(TraceRingIndexKind.RspEvent, notify: false, RspCons, index, default);
    }
}
