using XvifSim.Emulator.Domains;
using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Fuzz;

/// <summary>
/// One input's requests on the bed's TX ring and the bookkeeping that checks
/// the backend's answers: every request posted gets exactly one response
/// (netif.h), with the id of a request still unanswered (extra-info slots:
/// NETIF_RSP_NULL), and the vif's counters move with the responses.
/// </summary>
internal sealed class TxRun
{
    private readonly VifBed _bed;
    private readonly Dictionary<ushort, int> _unansweredIds = [];
    private readonly long _errorsBefore;
    private readonly long _packetsBefore;
    private readonly long _framesBefore;
    private int _unanswered;
    private int _pending;
    private long _failedSlots;

    public TxRun(VifBed bed)
    {
        _bed = bed;
        InterfaceCounters c = bed.Vif.Interface.Counters;
        _errorsBefore = c.InErrors + c.InDrops;
        _packetsBefore = c.InPackets;
        _framesBefore = bed.FramesUp;
    }

    public void Post(NetifTxRequest request)
    {
        Span<byte> raw = stackalloc byte[NetifTxRequest.Size];
        request.Write(raw);
        PostRaw(raw);
    }

    /// <summary>Puts one slot at req_prod_pvt, unless the ring has no room for it.</summary>
    public void PostRaw(ReadOnlySpan<byte> slot)
    {
        if (_bed.Tx.IsFull)
        {
            return;
        }

        slot.CopyTo(_bed.Tx.NextRequest());
        _bed.Tx.ReqProdPvt += 1;
        ushort id = NetifTxRequest.Read(slot).Id;
        _unansweredIds[id] = _unansweredIds.GetValueOrDefault(id) + 1;
        _unanswered++;
        _pending++;
    }

    /// <summary>Publishes what was posted, notifies, runs dom0 and checks every response it made.</summary>
    public void Push(TimeSpan pass)
    {
        if (_bed.Vif.IsDisabled || _pending == 0)
        {
            return;
        }

        _pending = 0;
        _bed.Tx.PushRequestsAndCheckNotify();
        FuzzFinding.Check(_bed.Guest.Events.Notify(_bed.Port) == Errno.Ok, "EVTCHNOP_send on the vif's port failed");
        _bed.Machine.Scheduler.RunFor(pass);
        TakeResponses();

        FuzzFinding.Check(_bed.Machine.Domains.All(d => d.State == DomainState.Running), "a domain crashed");
        InterfaceCounters c = _bed.Vif.Interface.Counters;
        FuzzFinding.Check(c.InErrors + c.InDrops - _errorsBefore == _failedSlots,
            $"if_ierrors + if_iqdrops moved by {c.InErrors + c.InDrops - _errorsBefore}, responses say {_failedSlots}");
        FuzzFinding.Check(c.InPackets - _packetsBefore == _bed.FramesUp - _framesBefore,
            $"if_ipackets moved by {c.InPackets - _packetsBefore}, {_bed.FramesUp - _framesBefore} frames went up");
        FuzzFinding.Check(_bed.Vif.IsDisabled || _unanswered == 0, $"{_unanswered} requests unanswered by an enabled vif");
        foreach ((_, GrantRef gref) in _bed.Data)
        {
            // Dom0 only grant-copies TX data: once it is idle no data grant may still be in use.
            GtfFlags flags = _bed.Guest.Grants.Flags(gref);
            FuzzFinding.Check((flags & (GtfFlags.Reading | GtfFlags.Writing)) == 0, $"{gref} left in use by dom0: {flags}");
        }
    }

    private void TakeResponses()
    {
        RingIndex prod = _bed.Tx.ReadRspProd();
        FuzzFinding.Check(prod - _bed.Tx.RspCons <= _bed.Tx.Size, $"rsp_prod {prod.Value} is more than a ring past rsp_cons {_bed.Tx.RspCons.Value}");
        for (; _bed.Tx.RspCons != prod; _bed.Tx.RspCons += 1)
        {
            var rsp = NetifTxResponse.Read(_bed.Tx.Page.Span.Slice(_bed.Tx.EntryOffset(_bed.Tx.RspCons), NetifTxResponse.Size));
            FuzzFinding.Check(_unanswered > 0, $"a response (id {rsp.Id}, {rsp.Status}) to no request");
            _unanswered--;
            switch (rsp.Status)
            {
                case NetifRsp.Null:
                    break;
                case NetifRsp.Okay or NetifRsp.Error or NetifRsp.Dropped:
                    FuzzFinding.Check(_unansweredIds.GetValueOrDefault(rsp.Id) > 0, $"a {rsp.Status} response for id {rsp.Id}, which no unanswered request has");
                    _unansweredIds[rsp.Id]--;
                    _failedSlots += rsp.Status == NetifRsp.Okay ? 0 : 1;
                    break;
                default:
                    throw new FuzzFinding($"response status {(short)rsp.Status}");
            }
        }
    }
}
