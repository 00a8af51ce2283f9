using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Public.Trace;

namespace XvifSim.Frontend;

/// <summary>
/// TX, frontend to backend (docs/reference/netbsd-xvif-xennet.md, "xennet: TX"; NetBSD xennet_start,
/// xennet_submit_tx_request, xennet_tx_complete), with Linux netfront's
/// checks in the completion loop (xennet_tx_buf_gc).
/// </summary>
public sealed partial class XennetInstance
{
    private readonly XennetTxSlot[] _txSlots;

    /// <summary>Free TX request ids, a stack (NetBSD's sc_txreq_head list).</summary>
    private readonly ushort[] _txFree;
    private int _txFreeCount;

    /// <summary>A frame was refused for want of ids or ring slots (NetBSD's IFF_OACTIVE): the next completion restarts the sender.</summary>
    private bool _txStalled;

    /// <summary>The page pieces of the frame being sent (bus_dmamap_load_mbuf's segments).</summary>
    private readonly PacketSegment[] _txPieces = new PacketSegment[PacketBuffer.MaxSegments];

    /// <summary>
    /// Sends one frame (if_start, xennet_start), taking the caller's
    /// reference: collect completions, then grant each page piece of the
    /// packet buffer read-only where it lies and post one request per piece,
    /// as NetBSD's xennet_start posts one per DMA segment (segments
    /// contiguous in one page, two clusters of a page, are one piece, as
    /// bus_dmamap_load_mbuf merges them): slot 0 carries the whole frame's
    /// size and the checksum flag, later slots their own length, more_data
    /// on all but the last (netif.h). Each slot keeps a reference to the
    /// buffer until its response ends the grant. Frames in more than one
    /// piece need feature-sg; without it a frame of up to a page is
    /// m_defrag'ed into one page first. With it, the limit is NetBSD's
    /// 9018-byte DMA map. A frame that cannot go is dropped and counted
    /// (OutDrops, "Tx packet dropped"), never queued.
    /// </summary>
    public bool Output(PacketBuffer packet, bool checksumBlank)
    {
        if (Status != XennetBackendStatus.Connected || IsBroken)
        {
            return Drop(packet);
        }

        CollectTxCompletions();
        if (IsBroken)
        {
            return Drop(packet);
        }

        bool scatterGather = (BackendFeatures & XennetFeatures.ScatterGather) != 0;
        if (packet.Length > (scatterGather ? Netif.EtherMaxLenJumbo : XenPage.Size))
        {
            return Drop(packet);
        }

        int slots = Pieces(packet);
        if (slots > 1 && !scatterGather)
        {
            if (!Defrag(ref packet))
            {
                return Drop(packet);
            }

            slots = Pieces(packet);
        }

        FrontRing ring = TxRing;
        if (slots > _txFreeCount || slots > ring.FreeRequests)
        {
            Statistics.TxQueueFull++;
            _txStalled = true;
            return Drop(packet);
        }

        // Requests are written past req_prod_pvt and published only once the
        // whole chain is granted, so a failure part-way leaves nothing posted.
        RingIndex first = ring.ReqProdPvt;
        NetTxFlags checksum = checksumBlank ? NetTxFlags.CsumBlank : NetTxFlags.DataValidated;
        for (int segment = 0; segment < slots; segment++)
        {
            PacketSegment piece = _txPieces[segment];
            ushort id = _txFree[_txFreeCount - 1];
            ref XennetTxSlot slot = ref _txSlots[id];
            if (!_kernel.Grants.TryGrantForeignAccess(_device.OtherEndId, piece.Gfn, readOnly: true, out GrantRef gref))
            {
                _kernel.Log($"{Name}: grant_access failed");
                RollBackChain(segment);
                return Drop(packet);
            }

            _txFreeCount--;
            packet.Hold();
            slot.Packet = packet;
            slot.Gref = gref;
            slot.Granted = true;
            slot.Pending = true;
            slot.IsHead = segment == 0;
            NetTxFlags flags = (segment == 0 ? checksum : NetTxFlags.None)
                | (segment < slots - 1 ? NetTxFlags.MoreData : NetTxFlags.None);
            new NetifTxRequest
            {
                Gref = gref,
                Offset = (ushort)piece.Offset,
                Flags = flags,
                Id = id,
                PacketSize = (ushort)(segment == 0 ? packet.Length : piece.Length),
            }.Write(ring.Page.Span.Slice(ring.EntryOffset(first + (uint)segment), NetifTxRequest.Size));
        }

        // The slots hold the buffer now; the caller's reference ends here.
        packet.Free();
        if (slots > 1)
        {
            Statistics.TxMultiSegment++;
        }

        ring.ReqProdPvt = first + (uint)slots;
        if (ring.PushRequestsAndCheckNotify())
        {
            NotifyBackend();
        }

        return true;
    }

    /// <summary>
    /// Splits <paramref name="packet"/> into page pieces in <see cref="_txPieces"/>,
    /// merging a segment into the one before when it continues it in the
    /// same page; returns how many.
    /// </summary>
    private int Pieces(PacketBuffer packet)
    {
        int count = 0;
        for (int i = 0; i < packet.SegmentCount; i++)
        {
            PacketSegment segment = packet.Segment(i);
            ref PacketSegment last = ref _txPieces[Math.Max(count - 1, 0)];
            if (count > 0 && last.Gfn == segment.Gfn && last.Offset + last.Length == segment.Offset)
            {
                last = last with { Length = last.Length + segment.Length };
            }
            else
            {
                _txPieces[count++] = segment;
            }
        }

        return count;
    }

    /// <summary>
    /// m_defrag: a frame in several pieces for a backend without feature-sg
    /// is copied into one page of the pool (NetBSD's xennet_start does the
    /// same when a chain needs more segments than the backend takes). False,
    /// the original kept, when the pool has no page.
    /// </summary>
    private bool Defrag(ref PacketBuffer packet)
    {
        if (!_kernel.Packets.TryAllocatePage(out Gfn page))
        {
            return false;
        }

        PacketBuffer whole = _kernel.Packets.FromPages([new PacketSegment(page, 0, packet.Length)]);
        for (int i = 0, at = 0; i < packet.SegmentCount; i++)
        {
            whole.CopyFrom(at, packet.Data(i));
            at += packet.Segment(i).Length;
        }

        packet.Free();
        packet = whole;
        Statistics.TxDefragmented++;
        return true;
    }

    /// <summary>
    /// xennet_tx_complete with Linux's checks: read rsp_prod once, refuse more
    /// responses than requests outstanding, copy each response out once, then
    /// check its id and that it is outstanding, end the grant (refused while
    /// the backend still maps it), count OutErrors on a head slot that did not
    /// succeed. Then NetBSD's event threshold: rsp_event = rsp_prod +
    /// ((req_prod - rsp_prod) &gt;&gt; 1) + 1, an event when half of what is
    /// still outstanding has been answered; and look again in case more came.
    /// </summary>
    private void CollectTxCompletions()
    {
        FrontRing ring = TxRing;
        while (true)
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
                var response = NetifTxResponse.Read(ring.Page.Span.Slice(ring.EntryOffset(ring.RspCons), NetifTxResponse.Size));
                ring.Trace?.Consumed(TraceRingAction.ResponseConsumed, ring.RspCons, ring.Size, in response);
                ring.RspCons += 1;
                if (!CompleteTx(response))
                {
                    return;
                }
            }

            // NetBSD reads the shared req_prod here; the private copy is the
            // same value (everything is pushed) and the backend cannot move it.
            RingBarrier.Wmb();
            ring.SetRspEvent(prod + ((ring.ReqProdPvt - prod) >> 1) + 1);
            RingBarrier.Mb();
            if (ring.ReadRspProd() == prod)
            {
                return;
            }
        }
    }

    /// <summary>One TX response, already copied out. False if it broke the interface.</summary>
    private bool CompleteTx(NetifTxResponse response)
    {
        // NETIF_RSP_NULL pads an extra-info slot; Linux skips it before any check.
        if (response.Status == NetifRsp.Null)
        {
            return true;
        }

        if (response.Id >= _txSlots.Length)
        {
            MarkBroken($"Response has incorrect id ({response.Id})");
            return false;
        }

        ref XennetTxSlot slot = ref _txSlots[response.Id];
        if (!slot.Pending)
        {
            MarkBroken("Response for inactive request");
            return false;
        }

        slot.Pending = false;
        if (!_kernel.Grants.EndForeignAccess(slot.Gref))
        {
            // The slot stays granted and out of the free list: its page must
            // not be reused while the backend can still read it.
            MarkBroken("Grant still in use by backend domain");
            return false;
        }

        slot.Granted = false;
        slot.ReleasePacket();
        if (slot.IsHead && response.Status != NetifRsp.Okay)
        {
            Counters.OutErrors++;
        }

        _txFree[_txFreeCount++] = response.Id;
        return true;
    }

    /// <summary>
    /// Ends the grants of the first <paramref name="granted"/> segments of an
    /// unpublished chain and frees their ids. The ids are still in the free
    /// stack just above its top (they were popped, not overwritten), so the
    /// ring page, which the backend can write, is not read back.
    /// </summary>
    private void RollBackChain(int granted)
    {
        for (int i = _txFreeCount; i < _txFreeCount + granted; i++)
        {
            ref XennetTxSlot slot = ref _txSlots[_txFree[i]];
            slot.Pending = false;
            // Never published, so the backend cannot hold it: the end succeeds.
            slot.Granted = !_kernel.Grants.EndForeignAccess(slot.Gref);
            slot.ReleasePacket();
        }

        _txFreeCount += granted;
    }

    /// <summary>"Tx packet dropped": the frame is freed and the drop counted (the interface counts only sends the driver took).</summary>
    private bool Drop(PacketBuffer packet)
    {
        packet.Free();
        Statistics.TxDropped++;
        Counters.OutDrops++;
        return false;
    }
}
