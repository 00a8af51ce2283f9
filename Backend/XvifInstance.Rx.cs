using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Public.Trace;

namespace XvifSim.Backend;

/// <summary>
/// RX, dom0 to guest (NetBSD's xennetback_ifstart and
/// xennetback_ifsoftstart_copy). A frame the stack sends is queued (512 deep;
/// a full queue drops it and counts if_oqdrops), then, in a soft interrupt
/// after the burst it came in, grant-copied straight from the segments of
/// its dom0 packet buffer (at their real offsets) into the buffers the
/// frontend posted, one 4096-byte page per request (an op per piece of a
/// segment that lands in it), in batches of up to 64 ops. The queue holds
/// references to the buffers, not copies. Responses: the request's id, offset
/// 0, status = bytes in that page, NETRXF_csum_blank if the frame was sent
/// with its checksum blank else NETRXF_data_validated, NETRXF_more_data on
/// all but a frame's last slot. Multi-slot frames are sent whatever the
/// frontend's feature-sg, as NetBSD does.
/// <para>
/// With no buffers posted the frames wait, and are sent on the frontend's
/// next event or by the 1-second watchdog (NetBSD's if_timer = 1): the
/// backend never sets the RX ring's req_event, so frontends do not notify
/// when they post buffers (with <see cref="RxNotify.ReqEvent"/> it does, as
/// Linux netback does). Two changes from NetBSD, as Linux does: a frame
/// that needs more slots than are posted waits for them (NetBSD drops it),
/// and a failed copy answers its frame's slots with NETIF_RSP_ERROR and
/// moves on (NetBSD leaves req_cons where it was, so one bad gref would be
/// retried for ever).
/// </para>
/// </summary>
public sealed partial class XvifInstance : INetDriver
{
    private static readonly TimeSpan RxWatchdogPeriod = TimeSpan.FromSeconds(1);

    // Per request slot of a batch: the request's id, the response's flags
    // and byte count, and which frame it belongs to; per op, which frame.
    private readonly ushort[] _rxIds = new ushort[CopyBatch];
    private readonly NetRxFlags[] _rxFlags = new NetRxFlags[CopyBatch];
    private readonly int[] _rxSlotLength = new int[CopyBatch];
    private readonly int[] _rxSlotFrame = new int[CopyBatch];
    private readonly int[] _rxOpFrame = new int[CopyBatch];
    private readonly bool[] _rxFrameFailed = new bool[CopyBatch];

    /// <summary>The batch's frames, whose buffers the copy ops read; freed once the copies are done.</summary>
    private readonly PacketBuffer?[] _rxFrames = new PacketBuffer?[CopyBatch];

    /// <summary>if_start: the stack hands a frame for the guest, and its reference. False (the frame freed and counted) if dropped.</summary>
    public bool Output(PacketBuffer packet, bool checksumBlank)
    {
        if (!IsConnected || IsDisabled)
        {
            Interface.Counters.OutDrops++;
            packet.Free();
            return false;
        }

        if (packet.Length > Netif.EtherMaxLenJumbo)
        {
            Interface.Counters.OutErrors++;
            packet.Free();
            return false;
        }

        if (!_rxQueue.TryEnqueue(packet, checksumBlank))
        {
            Interface.Counters.OutDrops++;
            packet.Free();
            return false;
        }

        // xennetback_ifstart schedules the soft interrupt that copies: the
        // frames of one burst (a bridge forwarding a TX batch) go in one
        // batch, with one push and at most one event.
        _rxSoftStart.Schedule();
        return true;
    }

    private void RxWatchdog() => RxStart();

    /// <summary>Sends queued frames while the frontend has buffers posted; arms the watchdog if some are left.</summary>
    private void RxStart()
    {
        if (!IsConnected || IsDisabled)
        {
            return;
        }

        BackRing ring = _rxRing!;
        while (!_rxQueue.IsEmpty)
        {
            RingIndex reqProd = ring.ReadReqProd();
            RingBarrier.Rmb();
            uint available = ring.UnconsumedRequests(reqProd);
            int used = 0, ops = 0, frames = 0;
            int slots = 0;
            while (!_rxQueue.IsEmpty)
            {
                PacketBuffer head = _rxQueue.Head;
                slots = (head.Length + XenPage.Size - 1) / XenPage.Size;

                // At most one op per slot plus one per segment boundary crossed.
                if (slots > available - used || used + slots > CopyBatch || ops + slots + head.SegmentCount > CopyBatch)
                {
                    break;
                }

                StageRxFrame(ring.ReqCons + (uint)used, ref used, ref ops, frames++);
            }

            if (used == 0)
            {
                if (_rxNotify == RxNotify.ReqEvent && ring.RequestsAvailable((uint)slots))
                {
                    continue;
                }

                break;
            }

            FlushRx(used, ops, frames);
        }

        if (_rxQueue.IsEmpty)
        {
            _rxWatchdog.Stop();
        }
        else if (!_rxWatchdog.IsArmed)
        {
            Errno armed = _rxWatchdog.Start(RxWatchdogPeriod);
            if (armed != Errno.Ok)
            {
                Log($"can't arm the RX watchdog: {(int)armed}");
            }
        }
    }

    /// <summary>
    /// Takes the head frame and builds its copy ops, from its buffer's
    /// segments into one frontend request per page, starting at request
    /// <paramref name="request"/>; <paramref name="used"/> and
    /// <paramref name="ops"/> count the batch's requests and ops.
    /// </summary>
    private void StageRxFrame(RingIndex request, ref int used, ref int ops, int frame)
    {
        NetRxFlags checksum = _rxQueue.HeadChecksumBlank ? NetRxFlags.CsumBlank : NetRxFlags.DataValidated;
        PacketBuffer packet = _rxQueue.Dequeue();
        _rxFrames[frame] = packet;
        _rxFrameFailed[frame] = false;
        int segment = 0, skip = 0;
        for (int done = 0, slot = 0; done < packet.Length; slot++)
        {
            // Copied out of the ring once; only the copy is used.
            RingIndex index = request + (uint)slot;
            NetifRxRequest req = NetifRxRequest.Read(_rxRing!.Page.Span.Slice(_rxRing.EntryOffset(index), NetifRxRequest.Size));
            _rxRing.Trace?.Consumed(TraceRingAction.RequestConsumed, index, _rxRing.Size, in req);
            int length = Math.Min(XenPage.Size, packet.Length - done);
            for (int into = 0; into < length;)
            {
                PacketSegment from = packet.Segment(segment);
                int chunk = Math.Min(length - into, from.Length - skip);
                _rxOps[ops] = new GnttabCopy
                {
                    Source = GnttabCopyPtr.Frame(from.Gfn, (ushort)(from.Offset + skip)),
                    Dest = GnttabCopyPtr.Grant(FrontendId, req.Gref, (ushort)into),
                    Len = (ushort)chunk,
                    Flags = GntCopyFlags.DestGref,
                };
                _rxOpFrame[ops++] = frame;
                into += chunk;
                skip += chunk;
                if (skip == from.Length)
                {
                    segment++;
                    skip = 0;
                }
            }

            done += length;
            _rxIds[used] = req.Id;
            _rxFlags[used] = checksum | (done < packet.Length ? NetRxFlags.MoreData : NetRxFlags.None);
            _rxSlotLength[used] = length;
            _rxSlotFrame[used] = frame;
            used++;
        }
    }

    private void FlushRx(int used, int ops, int frames)
    {
        BackRing ring = _rxRing!;
        Hypercalls.GrantTable.Copy(_rxOps.AsSpan(0, ops));
        for (int i = 0; i < ops; i++)
        {
            if (_rxOps[i].Status != GntSt.Okay)
            {
                if (_packetLog.Allow())
                {
                    _kernel.Log($"{Name} GNTTABOP_copy[{i}] Rx {(short)_rxOps[i].Status}");
                }

                _rxFrameFailed[_rxOpFrame[i]] = true;
            }
        }

        for (int i = 0; i < used; i++)
        {
            bool failed = _rxFrameFailed[_rxSlotFrame[i]];
            new NetifRxResponse
            {
                Id = _rxIds[i],
                Offset = 0,
                Flags = _rxFlags[i],
                Status = failed ? (short)NetifRsp.Error : (short)_rxSlotLength[i],
            }.Write(ring.Page.Span.Slice(ring.EntryOffset(ring.RspProdPvt + (uint)i), NetifRxResponse.Size));
        }

        for (int f = 0; f < frames; f++)
        {
            if (_rxFrameFailed[f])
            {
                Interface.Counters.OutErrors++;
            }

            // The copies are done: the frame's buffer goes back to dom0's pool.
            _rxFrames[f]!.Free();
            _rxFrames[f] = null;
        }

        ring.ReqCons += (uint)used;
        ring.RspProdPvt += (uint)used;
        if (ring.PushResponsesAndCheckNotify())
        {
            _kernel.Events.Notify(_port);
        }
    }
}
