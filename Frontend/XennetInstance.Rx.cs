using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Public.Trace;

namespace XvifSim.Frontend;

/// <summary>
/// RX, backend to frontend (docs/reference/netbsd-xvif-xennet.md, "xennet: RX buffers"; NetBSD xennet_alloc_rx_buffer,
/// xennet_rx_free_req, xennet_handler), with Linux netfront's checks
/// (xennet_poll, xennet_get_responses).
/// </summary>
public sealed partial class XennetInstance
{
    /// <summary>Linux netfront's cap on one frame's chain (XEN_NETIF_NR_SLOTS_MIN; longer is "Too many slots").</summary>
    private const int RxMaxChainSlots = Netif.NrSlotsMin;

    /// <summary>NET_RX_RING_SIZE * 4 / 5 = 204: NetBSD refills only once this many ids are free.</summary>
    private static readonly int RxRefillThreshold = RxSlots * 4 / 5;

    private readonly XennetRxSlot[] _rxSlots;

    /// <summary>Free RX request ids, a stack (NetBSD's sc_rxreq_head list).</summary>
    private readonly ushort[] _rxFree;
    private int _rxFreeCount;

    /// <summary>
    /// The filled pages of the frame being received, each swapped out of its
    /// slot for a fresh one: at the chain's last slot they become one packet
    /// buffer, as NetBSD's xennet_handler chains the slots' mbufs.
    /// </summary>
    private readonly PacketSegment[] _rxChain = new PacketSegment[RxMaxChainSlots];
    private int _rxChainSlots;
    private int _rxChainPages;
    private int _rxChainBytes;
    private NetRxFlags _rxChainFlags;
    private bool _rxChainRejected;

    /// <summary>A slot of the chain found no fresh page to swap in: the frame is dropped.</summary>
    private bool _rxChainNoBuffer;

    /// <summary>
    /// xennet_alloc_rx_buffer: post every free id, each its page granted
    /// read-write to the backend, as {id, gref}; then
    /// RING_PUSH_REQUESTS_AND_CHECK_NOTIFY. A grant failure ends the loop
    /// quietly, as in NetBSD; the rest go at the next refill.
    /// </summary>
    private void PostRxBuffers()
    {
        FrontRing ring = RxRing;
        RingIndex before = ring.ReqProdPvt;
        while (_rxFreeCount > 0 && ring.FreeRequests > 0)
        {
            ushort id = _rxFree[_rxFreeCount - 1];
            ref XennetRxSlot slot = ref _rxSlots[id];
            if (!_kernel.Grants.TryGrantForeignAccess(_device.OtherEndId, slot.Page, readOnly: false, out GrantRef gref))
            {
                break;
            }

            _rxFreeCount--;
            slot.Gref = gref;
            slot.Granted = true;
            slot.Posted = true;
            new NetifRxRequest { Id = id, Gref = gref }.Write(ring.NextRequest());
            ring.ReqProdPvt += 1;
        }

        if (ring.ReqProdPvt != before && ring.PushRequestsAndCheckNotify())
        {
            NotifyBackend();
        }
    }

    /// <summary>
    /// The RX half of xennet_handler: read rsp_prod once and refuse more
    /// responses than buffers posted (Linux), consume each response, drop a
    /// chain the batch did not finish (InDrops, as NetBSD), and end with
    /// RING_FINAL_CHECK_FOR_RESPONSES, which sets rsp_event = rsp_cons + 1.
    /// </summary>
    private void ConsumeRxResponses()
    {
        FrontRing ring = RxRing;
        do
        {
            RingIndex prod = ring.ReadRspProd();
            uint published = prod - ring.RspCons;
            if (published > ring.ReqProdPvt - ring.RspCons)
            {
                MarkBroken($"Illegal number of responses {published}");
                return;
            }

            RingBarrier.Rmb();
            while (ring.RspCons != prod)
            {
                var response = NetifRxResponse.Read(ring.Page.Span.Slice(ring.EntryOffset(ring.RspCons), NetifRxResponse.Size));
                ring.Trace?.Consumed(TraceRingAction.ResponseConsumed, ring.RspCons, ring.Size, in response);
                ring.RspCons += 1;
                if (!ConsumeRx(response))
                {
                    return;
                }
            }

            if (_rxChainSlots != 0)
            {
                Counters.InDrops++;
                ResetChain();
            }
        }
        while (ring.FinalCheckForResponses());
    }

    /// <summary>
    /// One RX response, already copied out. The id must name a posted buffer
    /// (Linux's checks; NetBSD only KASSERTs), and its grant is ended before
    /// the data is read, so the backend can no longer change it. A status or
    /// offset that does not fit the page rejects the frame (Linux). False if
    /// the response broke the interface.
    /// </summary>
    private bool ConsumeRx(NetifRxResponse response)
    {
        if (response.Id >= _rxSlots.Length)
        {
            MarkBroken($"Response has incorrect id ({response.Id})");
            return false;
        }

        ref XennetRxSlot slot = ref _rxSlots[response.Id];
        if (!slot.Posted)
        {
            MarkBroken("Response for inactive request");
            return false;
        }

        slot.Posted = false;
        if (!_kernel.Grants.EndForeignAccess(slot.Gref))
        {
            MarkBroken("Grant still in use by backend domain");
            return false;
        }

        slot.Granted = false;
        bool more = (response.Flags & NetRxFlags.MoreData) != 0;
        bool first = _rxChainSlots == 0;
        if (first)
        {
            // NetBSD takes a chain's checksum flags from its first slot.
            _rxChainFlags = response.Flags;
        }

        _rxChainSlots++;
        if (response.Status < 0 || response.Offset + response.Status > XenPage.Size)
        {
            if (_backendLog.Allow())
            {
                _kernel.Log($"{Name}: rx->offset: {response.Offset}, size: {response.Status}");
            }

            _rxChainRejected = true;
        }
        else if (_rxChainSlots == RxMaxChainSlots + 1)
        {
            if (_backendLog.Allow())
            {
                _kernel.Log($"{Name}: Too many slots");
            }

            _rxChainRejected = true;
        }

        if (!_rxChainRejected && !_rxChainNoBuffer && (_rxChainBytes += response.Status) > Netif.EtherMaxLenJumbo)
        {
            // Longer than any frame the stack takes (9018 bytes, NetBSD's
            // jumbo ETHER_MAX_LEN_JUMBO): rejected like a bad slot, so a
            // backend cannot hand up a 72 KiB chain.
            if (_backendLog.Allow())
            {
                _kernel.Log($"{Name}: rx frame longer than {Netif.EtherMaxLenJumbo} bytes");
            }

            _rxChainRejected = true;
        }

        if (!_rxChainRejected && !_rxChainNoBuffer)
        {
            // The page swap: the filled page joins the frame, a fresh one
            // from the pool takes its place in the slot. With none to be had
            // the frame is dropped and the page stays posted.
            if (_kernel.Packets.TryAllocatePage(out Gfn fresh))
            {
                _rxChain[_rxChainPages++] = new PacketSegment(slot.Page, response.Offset, response.Status);
                slot.Page = fresh;
            }
            else
            {
                _rxChainNoBuffer = true;
            }
        }

        if (!more)
        {
            if (_rxChainRejected)
            {
                Statistics.RxRejected++;
                Counters.InErrors++;
            }
            else if (_rxChainNoBuffer)
            {
                Statistics.RxNoBuffers++;
                Counters.InDrops++;
            }
            else
            {
                if (!first)
                {
                    Statistics.RxMultiSegment++;
                }

                Deliver(_kernel.Packets.FromPages(_rxChain.AsSpan(0, _rxChainPages)));
                _rxChainPages = 0;
            }

            ResetChain();
        }

        FreeRxSlot(response.Id);
        return true;
    }

    /// <summary>
    /// Hands a frame up (with its reference). A blank checksum is completed
    /// first, as NetBSD's xennet_checksum_fill does when the stack cannot
    /// defer it (this stack never can: Input carries no M_CSUM flags); the
    /// frame is in pages the backend can no longer reach, so it is changed
    /// in place.
    /// </summary>
    private void Deliver(PacketBuffer packet)
    {
        if ((_rxChainFlags & NetRxFlags.CsumBlank) != 0)
        {
            Statistics.RxCsumBlank++;
            if (ChecksumOffload.Complete(packet))
            {
                Statistics.RxCsumUndeferred++;
            }
        }

        if (Interface is { } iface)
        {
            iface.Input(packet);
        }
        else
        {
            packet.Free();
        }
    }

    /// <summary>Forgets the chain in progress; pages it had taken from their slots (a chain dropped part-way) go back to the pool.</summary>
    private void ResetChain()
    {
        for (int i = 0; i < _rxChainPages; i++)
        {
            _kernel.Packets.FreePage(_rxChain[i].Gfn);
        }

        _rxChainPages = 0;
        _rxChainBytes = 0;
        _rxChainSlots = 0;
        _rxChainFlags = NetRxFlags.None;
        _rxChainRejected = false;
        _rxChainNoBuffer = false;
    }

    /// <summary>Refills are paused by <see cref="PauseRxRefill"/>.</summary>
    public bool RxRefillPaused { get; private set; }

    /// <summary>RX request ids the backend can fill now (posted, not yet answered).</summary>
    public int RxPosted => RxSlots - _rxFreeCount;

    /// <summary>
    /// Fault injection, not a NetBSD behaviour: stop posting RX buffers, as a
    /// guest starved of memory (or wedged) would, so the buffers already
    /// posted are used up and the backend has to queue, then drop. Responses
    /// are still consumed. Runs on the guest's vCPU.
    /// </summary>
    public void PauseRxRefill() => RxRefillPaused = true;

    /// <summary>
    /// Ends <see cref="PauseRxRefill"/> and posts every free buffer at once,
    /// without notifying unless the ring asks (frontends do not notify the
    /// backend of new RX buffers: it finds them on its next event or
    /// watchdog). Runs on the guest's vCPU.
    /// </summary>
    public void ResumeRxRefill()
    {
        RxRefillPaused = false;
        if (Status == XennetBackendStatus.Connected && !IsBroken)
        {
            PostRxBuffers();
        }
    }

    /// <summary>xennet_rx_free_req: the id is free again; once 204 are free (and connected, refills not paused), post them all.</summary>
    private void FreeRxSlot(ushort id)
    {
        _rxFree[_rxFreeCount++] = id;
        if (_rxFreeCount >= RxRefillThreshold && Status == XennetBackendStatus.Connected && !RxRefillPaused)
        {
            PostRxBuffers();
        }
    }
}
