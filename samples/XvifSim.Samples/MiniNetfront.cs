using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Public.Xenbus;

namespace XvifSim.Samples;

/// <summary>
/// (b) A minimal netfront, written for this sample: one TX and one RX ring
/// (netif.h), one granted page per slot, copy on TX, request-rx-copy on RX,
/// no scatter-gather, no offloads, no suspend. It brings up interface "mnf0".
/// </summary>
public sealed class MiniNetfront(GuestKernel kernel) : IXenbusDriver, INetDriver
{
    private const int Slots = 16;
    private readonly GrantRef[] _txRefs = new GrantRef[Slots];
    private readonly Gfn[] _txPages = new Gfn[Slots];
    private readonly GrantRef[] _rxRefs = new GrantRef[Slots];
    private readonly Gfn[] _rxPages = new Gfn[Slots];
    private readonly Stack<ushort> _freeTx = new();
    private FrontRing _tx = null!, _rx = null!;
    private GrantRef _txRingRef, _rxRingRef;
    private EvtchnPort _port;
    private NetworkInterface? _iface;
    private XenbusDevice _device = null!;

    public string DeviceType => "vif";

    public async Task<bool> AttachAsync(XenbusDevice device)
    {
        _device = device;
        DomId backend = device.OtherEndId;
        _tx = new FrontRing(NewRingPage(backend, out _txRingRef), NetifTxRequest.Size);
        _rx = new FrontRing(NewRingPage(backend, out _rxRingRef), NetifRxRequest.Size);
        for (ushort id = 0; id < Slots; id++)
        {
            _txPages[id] = Grant(backend, readOnly: true, out _txRefs[id]);
            _rxPages[id] = Grant(backend, readOnly: false, out _rxRefs[id]);
            _freeTx.Push(id);
            PostRx(id);
        }

        var alloc = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = backend };
        if (kernel.Hypercalls.EventChannel.AllocUnbound(ref alloc) != Errno.Ok)
        {
            return false;
        }

        _port = alloc.Port;
        kernel.Events.Bind(_port, _ => OnEvent());
        XsResult<string> mac = await device.Store.ReadAsync($"{device.NodeName}/mac");
        MacAddress.TryParse(mac.Value ?? "", out MacAddress address);
        _iface = new NetworkInterface("mnf0", address, this, kernel.Packets) { IsUp = true };
        kernel.Interfaces.Attach(_iface);
        return true;
    }

    public async Task OtherEndChangedAsync(XenbusDevice device, XenbusState state)
    {
        if (state == XenbusState.InitWait)
        {
            await device.Store.WriteAsync($"{device.NodeName}/tx-ring-ref", $"{_txRingRef.Value}");
            await device.Store.WriteAsync($"{device.NodeName}/rx-ring-ref", $"{_rxRingRef.Value}");
            await device.Store.WriteAsync($"{device.NodeName}/event-channel", $"{_port.Value}");
            await device.Store.WriteAsync($"{device.NodeName}/request-rx-copy", "1");
            await device.SwitchStateAsync(XenbusState.Connected);
            Push(_rx);
        }
        else if (state == XenbusState.Connected)
        {
            _iface!.IsRunning = true;
        }
    }

    public Task DetachAsync(XenbusDevice device)
    {
        kernel.Interfaces.Detach(_iface!);
        return Task.CompletedTask;
    }

    /// <summary>The stack sends a frame (and its buffer's reference): copy it into a free TX page, free the buffer and post one request.</summary>
    public bool Output(PacketBuffer packet, bool checksumBlank)
    {
        int length = packet.Length;
        if (length > XenPage.Size || !_freeTx.TryPop(out ushort id))
        {
            packet.Free();
            return false;
        }

        packet.CopyTo(0, kernel.Hypercalls.Memory.Page(_txPages[id])[..length]);
        packet.Free();
        var request = new NetifTxRequest { Gref = _txRefs[id], Id = id, PacketSize = (ushort)length };
        request.Flags = checksumBlank ? NetTxFlags.CsumBlank | NetTxFlags.DataValidated : NetTxFlags.None;
        request.Write(_tx.NextRequest());
        _tx.ReqProdPvt += 1;
        Push(_tx);
        return true;
    }

    /// <summary>The backend answered: free TX slots, hand RX frames up and re-post their pages.</summary>
    private void OnEvent()
    {
        do
        {
            for (RingIndex prod = _tx.ReadRspProd(); _tx.RspCons != prod; _tx.RspCons += 1)
            {
                _freeTx.Push(NetifTxResponse.Read(_tx.Page.Span[_tx.EntryOffset(_tx.RspCons)..]).Id);
            }

            for (RingIndex prod = _rx.ReadRspProd(); _rx.RspCons != prod; _rx.RspCons += 1)
            {
                NetifRxResponse rsp = NetifRxResponse.Read(_rx.Page.Span[_rx.EntryOffset(_rx.RspCons)..]);
                if (rsp.Id < Slots && rsp.Status > 0 && rsp.Offset + rsp.Status <= XenPage.Size)
                {
                    _iface!.Input(kernel.Hypercalls.Memory.Page(_rxPages[rsp.Id]).Slice(rsp.Offset, rsp.Status));
                    PostRx(rsp.Id);
                }
            }

            Push(_rx);
        }
        while (_tx.FinalCheckForResponses() | _rx.FinalCheckForResponses());
    }

    private void PostRx(ushort id)
    {
        new NetifRxRequest { Id = id, Gref = _rxRefs[id] }.Write(_rx.NextRequest());
        _rx.ReqProdPvt += 1;
    }

    private void Push(FrontRing ring)
    {
        if (ring.PushRequestsAndCheckNotify() && _port.Value != 0)
        {
            kernel.Events.Notify(_port);
        }
    }

    private Memory<byte> NewRingPage(DomId backend, out GrantRef gref)
    {
        Memory<byte> page = kernel.Hypercalls.Memory.PageMemory(Grant(backend, readOnly: false, out gref));
        SharedRing.Init(page.Span);
        return page;
    }

    private Gfn Grant(DomId backend, bool readOnly, out GrantRef gref)
    {
        Gfn gfn = kernel.Pages.Allocate();
        if (!kernel.Grants.TryGrantForeignAccess(backend, gfn, readOnly, out gref))
        {
            throw new InvalidOperationException($"{_device.NodeName}: out of grant references");
        }

        return gfn;
    }
}
