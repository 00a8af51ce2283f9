using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Public.Trace;

namespace XvifSim.Backend;

/// <summary>
/// TX, guest to dom0 (NetBSD's xennetback_evthandler and xennetback_tx_copy_process).
/// Each request is copied out of the shared ring exactly once
/// (RING_COPY_REQUEST; XSA-155) and only the copy is checked and used. A
/// packet is gathered whole (first slot, extra-info segments, the more_data
/// chain) before it is judged; the NetBSD checks answer ERROR or DROPPED per
/// slot, Linux's protocol violations disable the vif (see Fatal). Good packets
/// are grant-copied straight from the guest's pages into a dom0 packet buffer
/// each (clusters of dom0's pool, as xennetback_tx_copy_process copies into
/// an mbuf cluster), in batches of up to 64 ops, and that buffer is what goes
/// up to the bridge or stack; every op's
/// status is checked (NetBSD checks op 0's only), and a failed op fails just
/// its own packet. One response per request id; extra-info slots get
/// NETIF_RSP_NULL, as netif.h asks.
/// <para>
/// One run of the handler takes at most <see cref="TxBudget"/> packets, as
/// Linux netback's NAPI poll does (xenvif_poll with its budget); if more are
/// waiting it queues itself behind the vCPU's other work and returns. NetBSD's
/// xennetback_evthandler loops until the ring is empty, so a frontend that
/// refills it as fast as dom0 drains it would keep dom0's vCPU in one event
/// for ever: every other vif, the xenbus watches and the toolstack's hotplug
/// work would wait behind it.
/// </para>
/// </summary>
public sealed partial class XvifInstance
{
    /// <summary>Responses a batch can hold: every op a slot of its own, plus a packet's extra-info slots.</summary>
    private const int TxResponseCapacity = CopyBatch + FatalSlots + (int)NetifExtraType.Max;

    private readonly NetifTxRequest[] _txSlots = new NetifTxRequest[FatalSlots];
    private readonly TxPacket[] _txPackets = new TxPacket[CopyBatch];
    private readonly int[] _txOpPacket = new int[CopyBatch];

    /// <summary>Ids of the staged packets' requests, in ring order; -1 marks an extra-info slot (NETIF_RSP_NULL).</summary>
    private readonly int[] _txResponseIds = new int[TxResponseCapacity];
    private int _txOpCount;
    private int _txPacketCount;
    private int _txResponseCount;
    private bool _txUnpushed;

    /// <summary>The frontend's event: serve TX, then kick RX (NetBSD's deferred start after the TX loop).</summary>
    private void OnEvent()
    {
        if (!IsConnected || IsDisabled)
        {
            return;
        }

        // A queued run of the handler (NAPI's "scheduled" state) serves TX in
        // its turn; an event before it only kicks RX.
        if (!_txPoll.IsScheduled)
        {
            ServiceTx();
        }

        RxStart();
    }

    private void ServiceTx()
    {
        BackRing ring = _txRing!;
        int budget = TxBudget;

        // NetBSD decides once per handler run whether frames may go up.
        bool deliver = Interface.IsUp && Interface.IsRunning;
        do
        {
            RingIndex reqProd = ring.ReadReqProd();
            if (reqProd - ring.ReqCons > ring.Size)
            {
                FlushTx();
                Fatal($"Impossible number of requests. req_prod {reqProd}, req_cons {ring.ReqCons}, size {ring.Size}");
                return;
            }

            RingBarrier.Rmb();

            // Clamped to the ring's free space (RING_HAS_UNCONSUMED_REQUESTS): never more than can be answered.
            uint available = ring.UnconsumedRequests(reqProd);
            while (available > 0)
            {
                if (budget-- == 0)
                {
                    // Budget spent with requests left: no final check (req_event
                    // stays put, the frontend need not notify), poll again later.
                    FlushTx();
                    _txPoll.Schedule();
                    return;
                }

                int consumed = TakePacket(available, deliver);
                if (consumed < 0)
                {
                    FlushTx();
                    return;
                }

                available -= (uint)consumed;
            }
        }
        while (ring.FinalCheckForRequests());

        FlushTx();
    }

    /// <summary>
    /// Reads one packet at req_cons, judges it and answers or stages it.
    /// Returns the ring slots consumed, or -1 after a fatal violation.
    /// </summary>
    private int TakePacket(uint available, bool deliver)
    {
        BackRing ring = _txRing!;
        RingIndex cons = ring.ReqCons;
        NetifTxRequest first = NetifTxRequest.Read(TxEntry(cons));
        ring.Trace?.Consumed(TraceRingAction.RequestConsumed, cons, ring.Size, in first);
        _txSlots[0] = first;
        int used = 1;

        // netif.h: extra-info segments follow the first request, each with
        // XEN_NETIF_EXTRA_FLAG_MORE if another follows. NetBSD ignores the
        // flag and would read them as data; Linux checks them, and so do we.
        int extras = 0;
        PacketHash hash = default;
        bool moreExtra = (first.Flags & NetTxFlags.ExtraInfo) != 0;
        while (moreExtra)
        {
            if (used >= available)
            {
                return Fatal("Missing extra info");
            }

            NetifExtraInfo extra = NetifExtraInfo.Read(TxEntry(cons + (uint)used));
            used++;
            extras++;
            if (extra.Type is NetifExtraType.None or >= NetifExtraType.Max)
            {
                return Fatal($"Invalid extra type: {(int)extra.Type}");
            }

            if (extra.Type == NetifExtraType.Hash)
            {
                // Linux's xenvif_tx_build_gops: a HASH extra is recorded on the
                // packet (skb_set_hash), L3 for the address-only types, L4 for
                // the TCP ones; an unknown hash type leaves the packet without
                // a hash. Never a protocol violation.
                hash = extra.HashType switch
                {
                    NetifHashType.IPv4 or NetifHashType.IPv6 => new PacketHash(extra.HashValue, PacketHashKind.L3),
                    NetifHashType.IPv4Tcp or NetifHashType.IPv6Tcp => new PacketHash(extra.HashValue, PacketHashKind.L4),
                    _ => default,
                };
            }

            if (extra.Type == NetifExtraType.Gso && extra.GsoSize == 0)
            {
                return Fatal("GSO size must not be zero.");
            }

            if (extra.Type == NetifExtraType.Gso && extra.GsoType is not (NetifGsoType.TcpV4 or NetifGsoType.TcpV6))
            {
                return Fatal($"Bad GSO type {(int)extra.GsoType}.");
            }

            moreExtra = (extra.Flags & NetifExtraInfo.FlagMore) != 0;
        }

        // The more_data chain, each slot copied out once (NetBSD walks it in
        // the shared ring, Linux copies it, as here).
        int slots = 1;
        bool moreData = (first.Flags & NetTxFlags.MoreData) != 0;
        while (moreData)
        {
            if (used >= available)
            {
                return Fatal($"Asked for {slots + 1} slots but exceeds this limit");
            }

            if (slots + 1 >= FatalSlots)
            {
                return Fatal($"Malicious frontend using {slots + 1} slots, threshold {FatalSlots}");
            }

            NetifTxRequest next = NetifTxRequest.Read(TxEntry(cons + (uint)used));
            ring.Trace?.Consumed(TraceRingAction.RequestConsumed, cons + (uint)used, ring.Size, in next);
            used++;
            _txSlots[slots++] = next;
            moreData = (next.Flags & NetTxFlags.MoreData) != 0;
        }

        ring.ReqCons = cons + (uint)used;
        if (!deliver)
        {
            // Not UP and RUNNING: every slot DROPPED (NetBSD: if_iqdrops).
            Discard(slots, extras, badSlot: -1, NetifRsp.Dropped);
            return used;
        }

        int bad = Judge(slots, out NetifRsp status, out int firstOwnLength);
        if (bad >= 0)
        {
            Discard(slots, extras, bad, status);
            return used;
        }

        Stage(slots, extras, firstOwnLength, hash);
        return used;
    }

    /// <summary>
    /// NetBSD's checks, in its order, on the private copies; returns the slot
    /// to blame (-1 if the packet is good) with its status. Extends NetBSD in
    /// two places, as Linux does: the page-crossing check covers every slot
    /// (NetBSD leaves chained slots to the hypervisor), and a chain whose
    /// sizes do not add up is dropped before anything is copied.
    /// </summary>
    private int Judge(int slots, out NetifRsp status, out int firstOwnLength)
    {
        NetifTxRequest first = _txSlots[0];
        firstOwnLength = first.PacketSize;
        status = NetifRsp.Error;
        if (slots == 1 && first.Offset + first.PacketSize > XenPage.Size)
        {
            return Malformed(0, "crossing page boundary");
        }

        if (first.PacketSize > Netif.EtherMaxLenJumbo)
        {
            return Malformed(0, "bigger then jumbo");
        }

        if (first.PacketSize < Netif.EtherHdrLen)
        {
            return Malformed(0, "too short");
        }

        status = NetifRsp.Dropped;
        if (slots > Netif.NrSlotsMin)
        {
            if (_packetLog.Allow())
            {
                WriteLine($"Too many slots ({slots}) exceeding limit ({Netif.NrSlotsMin}), dropping packet");
            }

            return 0;
        }

        // Slot 0's size is the packet's; each later slot must leave at least
        // one byte for slot 0's own part (NetBSD's walk: size >= remaining fails).
        int remaining = first.PacketSize;
        for (int i = 1; i < slots; i++)
        {
            if (_txSlots[i].PacketSize >= remaining)
            {
                if (_packetLog.Allow())
                {
                    WriteLine($"Invalid tx request, slot size {_txSlots[i].PacketSize} > remaining size {remaining}");
                }

                return 0;
            }

            remaining -= _txSlots[i].PacketSize;
        }

        firstOwnLength = remaining;
        status = NetifRsp.Error;
        for (int i = 0; i < slots; i++)
        {
            int own = i == 0 ? firstOwnLength : _txSlots[i].PacketSize;
            if (_txSlots[i].Offset + own > XenPage.Size)
            {
                return Malformed(i, "crossing page boundary");
            }
        }

        return -1;
    }

    private int Malformed(int slot, string what)
    {
        if (_packetLog.Allow())
        {
            WriteLine($"packet with size {_txSlots[slot].PacketSize} is {what}");
        }

        return slot;
    }

    /// <summary>
    /// Answers a packet that will not go up: <paramref name="badSlot"/> gets
    /// <paramref name="status"/> (if_ierrors++), every other slot DROPPED
    /// (if_iqdrops++, NetBSD's discard of the rest of the chain), extra-info slots NULL.
    /// </summary>
    private void Discard(int slots, int extras, int badSlot, NetifRsp status)
    {
        for (int i = 0; i < slots; i++)
        {
            if (i == badSlot)
            {
                Interface.Counters.InErrors++;
                RespondTx(_txSlots[i].Id, status);
            }
            else
            {
                Interface.Counters.InDrops++;
                RespondTx(_txSlots[i].Id, NetifRsp.Dropped);
            }

            for (int e = 0; i == 0 && e < extras; e++)
            {
                RespondTx(0, NetifRsp.Null);
            }
        }
    }

    /// <summary>
    /// Takes a dom0 packet buffer for a good packet and queues the copy ops
    /// that fill it (flushing first if the batch is full). With no buffer to
    /// be had (dom0's pool or RAM exhausted) the packet is answered DROPPED
    /// and counted, as NetBSD's xennetback_evthandler does when its mbuf
    /// allocation fails.
    /// </summary>
    private void Stage(int slots, int extras, int firstOwnLength, PacketHash hash)
    {
        int length = _txSlots[0].PacketSize;

        // Each slot is one op, or more where it straddles the buffer's clusters (one more per cluster boundary).
        int clusters = ((PacketPool.LeadingSpace + length) / PacketPool.ClusterBytes) + 1;
        if (_txOpCount + slots + clusters > CopyBatch || _txPacketCount == _txPackets.Length
            || _txResponseCount + slots + extras > TxResponseCapacity)
        {
            FlushTx();
        }

        if (!_kernel.Packets.TryAllocate(length, out PacketBuffer buffer))
        {
            TxNoBuffers++;
            if (_packetLog.Allow())
            {
                WriteLine("mbuf alloc failed");
            }

            Discard(slots, extras, badSlot: -1, NetifRsp.Dropped);
            return;
        }

        int packet = _txPacketCount++;
        bool checksumBlank = (_txSlots[0].Flags & NetTxFlags.CsumBlank) != 0;
        _txPackets[packet] = new TxPacket(_txResponseCount, slots + extras, slots, buffer, checksumBlank, hash);
        int at = 0;
        for (int i = 0; i < slots; i++)
        {
            NetifTxRequest slot = _txSlots[i];
            int own = i == 0 ? firstOwnLength : slot.PacketSize;
            AddTxOps(slot.Gref, slot.Offset, own, buffer, at, packet);
            at += own;
            _txResponseIds[_txResponseCount++] = slot.Id;
            for (int e = 0; i == 0 && e < extras; e++)
            {
                _txResponseIds[_txResponseCount++] = -1;
            }
        }
    }

    /// <summary>One op per piece of the buffer's segments that bytes <paramref name="at"/> to <paramref name="at"/> + <paramref name="length"/> land in.</summary>
    private void AddTxOps(GrantRef gref, ushort offset, int length, PacketBuffer buffer, int at, int packet)
    {
        // A chained slot may carry no bytes (netif.h forbids nothing of the
        // kind): no op, and its offset may lie at the frame's very end.
        if (length == 0)
        {
            return;
        }

        int segment = 0;
        int skip = at;
        while (skip >= buffer.Segment(segment).Length)
        {
            skip -= buffer.Segment(segment++).Length;
        }

        int done = 0;
        while (done < length)
        {
            PacketSegment into = buffer.Segment(segment);
            int chunk = Math.Min(length - done, into.Length - skip);
            _txOps[_txOpCount] = new GnttabCopy
            {
                Source = GnttabCopyPtr.Grant(FrontendId, gref, (ushort)(offset + done)),
                Dest = GnttabCopyPtr.Frame(into.Gfn, (ushort)(into.Offset + skip)),
                Len = (ushort)chunk,
                Flags = GntCopyFlags.SourceGref,
            };
            _txOpPacket[_txOpCount++] = packet;
            done += chunk;
            skip += chunk;
            if (skip == into.Length)
            {
                segment++;
                skip = 0;
            }
        }
    }

    /// <summary>
    /// Runs the batch's grant copies, answers every staged request, pushes
    /// the responses (notifying if the frontend asked) and hands the good
    /// packets' buffers up; a failed packet's buffer goes back to the pool.
    /// </summary>
    private void FlushTx()
    {
        if (_txOpCount > 0)
        {
            Hypercalls.GrantTable.Copy(_txOps.AsSpan(0, _txOpCount));
            for (int i = 0; i < _txOpCount; i++)
            {
                if (_txOps[i].Status != GntSt.Okay)
                {
                    // NetBSD's message; unlike NetBSD, every op is looked at and only its packet fails.
                    if (_packetLog.Allow())
                    {
                        _kernel.Log($"{Name} GNTTABOP_copy[{i}] Tx {(short)_txOps[i].Status}");
                    }

                    _txPackets[_txOpPacket[i]].Failed = true;
                }
            }
        }

        for (int p = 0; p < _txPacketCount; p++)
        {
            TxPacket packet = _txPackets[p];
            for (int r = packet.FirstResponse; r < packet.FirstResponse + packet.Responses; r++)
            {
                int id = _txResponseIds[r];
                RespondTx(id < 0 ? (ushort)0 : (ushort)id, id < 0 ? NetifRsp.Null : packet.Failed ? NetifRsp.Error : NetifRsp.Okay);
            }

            if (packet.Failed)
            {
                Interface.Counters.InErrors += packet.Slots;
            }
        }

        PushTxResponses();
        for (int p = 0; p < _txPacketCount; p++)
        {
            TxPacket packet = _txPackets[p];
            _txPackets[p].Buffer = null;
            if (packet.Failed)
            {
                packet.Buffer!.Free();
            }
            else
            {
                DeliverUp(packet.Buffer!, packet.ChecksumBlank, packet.Hash);
            }
        }

        _txOpCount = 0;
        _txPacketCount = 0;
        _txResponseCount = 0;
    }

    /// <summary>
    /// Passes a packet's buffer to the stack. A csum_blank packet has its
    /// checksum filled first, as NetBSD's xennet_checksum_fill does, since
    /// the bridge may forward it to a guest or dom0's stack may use it.
    /// </summary>
    private void DeliverUp(PacketBuffer buffer, bool checksumBlank, PacketHash hash)
    {
        if (checksumBlank)
        {
            ChecksumOffload.Complete(buffer);
        }

        Interface.Input(buffer, hash);
    }

    private Span<byte> TxEntry(RingIndex index) => _txRing!.Page.Span.Slice(_txRing.EntryOffset(index), NetifTxRequest.Size);

    private void RespondTx(ushort id, NetifRsp status)
    {
        BackRing ring = _txRing!;
        new NetifTxResponse { Id = id, Status = status }.Write(ring.Page.Span.Slice(ring.EntryOffset(ring.RspProdPvt), NetifTxResponse.Size));
        ring.RspProdPvt += 1;
        _txUnpushed = true;
    }

    private void PushTxResponses()
    {
        if (_txUnpushed)
        {
            _txUnpushed = false;
            if (_txRing!.PushResponsesAndCheckNotify())
            {
                _kernel.Events.Notify(_port);
            }
        }
    }
}
