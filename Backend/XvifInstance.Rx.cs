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
/// after the burst it came in, grant-copied from a dom0
/// page into the buffers the frontend posted, one 4096-byte page per
/// request, in batches of up to 64 ops. Responses: the request's id, offset
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

    private readonly ushort[] _rxIds = new ushort[CopyBatch];
    private readonly NetRxFlags[] _rxFlags = new NetRxFlags[CopyBatch];
    private readonly int[] _rxOpFrame = new int[CopyBatch];
    private readonly bool[] _rxFrameFailed = new bool[CopyBatch];

    /// <summary>if_start: the stack hands a frame for the guest. False (and counted) if dropped.</summary>
    public bool Output(ReadOnlySpan<byte> frame, bool checksumBlank)
    {
        if (!IsConnected || IsDisabled)
        {
            Interface.Counters.OutDrops++;
            return false;
        }

        if (frame.Length == 0 || frame.Length > Netif.EtherMaxLenJumbo)
        {
            Interface.Counters.OutErrors++;
            return false;
        }

        if (!_rxQueue.TryEnqueue(frame, checksumBlank))
        {
            Interface.Counters.OutDrops++;
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
            int ops = 0, frames = 0;
            int slots = 0;
            while (!_rxQueue.IsEmpty)
            {
                slots = (_rxQueue.Head.Length + XenPage.Size - 1) / XenPage.Size;
                if (slots > available - ops || ops + slots > CopyBatch)
                {
                    break;
                }

                StageRxFrame(ring.ReqCons + (uint)ops, ops, frames++);
                ops += slots;
            }

            if (ops == 0)
            {
                if (_rxNotify == RxNotify.ReqEvent && ring.RequestsAvailable((uint)slots))
                {
                    continue;
                }

                break;
            }

            FlushRx(ops, frames);
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

    /// <summary>Copies the head frame into stage pages and builds one op per frontend request, starting at request <paramref name="request"/>.</summary>
    private void StageRxFrame(RingIndex request, int firstOp, int frame)
    {
        ReadOnlySpan<byte> bytes = _rxQueue.Head;
        NetRxFlags checksum = _rxQueue.HeadChecksumBlank ? NetRxFlags.CsumBlank : NetRxFlags.DataValidated;
        int op = firstOp;
        for (int done = 0; done < bytes.Length; done += XenPage.Size, op++)
        {
            int chunk = Math.Min(XenPage.Size, bytes.Length - done);
            bytes.Slice(done, chunk).CopyTo(_rxStagePages[op]);

            // Copied out of the ring once; only the copy is used.
            NetifRxRequest req = NetifRxRequest.Read(_rxRing!.Page.AsSpan(_rxRing.EntryOffset(request + (uint)(op - firstOp)), NetifRxRequest.Size));
            _rxRing.Trace?.Consumed(TraceRingAction.RequestConsumed, request + (uint)(op - firstOp), _rxRing.Size, in req);
            _rxOps[op] = new GnttabCopy
            {
                Source = GnttabCopyPtr.Frame(_rxStage[op], 0),
                Dest = GnttabCopyPtr.Grant(FrontendId, req.Gref, 0),
                Len = (ushort)chunk,
                Flags = GntCopyFlags.DestGref,
            };
            _rxIds[op] = req.Id;
            _rxFlags[op] = checksum | (done + chunk < bytes.Length ? NetRxFlags.MoreData : NetRxFlags.None);
            _rxOpFrame[op] = frame;
        }

        _rxFrameFailed[frame] = false;
        _rxQueue.DropHead();
    }

    private void FlushRx(int ops, int frames)
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

        for (int i = 0; i < ops; i++)
        {
            bool failed = _rxFrameFailed[_rxOpFrame[i]];
            new NetifRxResponse
            {
                Id = _rxIds[i],
                Offset = 0,
                Flags = _rxFlags[i],
                Status = failed ? (short)NetifRsp.Error : (short)_rxOps[i].Len,
            }.Write(ring.Page.AsSpan(ring.EntryOffset(ring.RspProdPvt + (uint)i), NetifRxResponse.Size));
        }

        for (int f = 0; f < frames; f++)
        {
            if (_rxFrameFailed[f])
            {
                Interface.Counters.OutErrors++;
            }
        }

        ring.ReqCons += (uint)ops;
        ring.RspProdPvt += (uint)ops;
        if (ring.PushResponsesAndCheckNotify())
        {
            _kernel.Events.Notify(_port);
        }
    }
}
