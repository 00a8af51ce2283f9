using XvifSim.Emulator.XenStore;
using XvifSim.Guest;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Tests.Frontend;

/// <summary>
/// Dom0 played by hand: the keys and states a backend writes, the ring
/// mappings, the event channel, and TX and RX answered one step at a time,
/// including answers no honest backend would give. Runs on the test thread
/// between scheduler runs, when no vCPU is running.
/// </summary>
internal sealed class TestBackend(GuestKernel dom0, XsHostClient store, DomId guest, string backendDir, string frontendDir)
{
    private Gfn _txRingGfn;
    private Gfn _rxRingGfn;
    private GrantHandle _txHandle;
    private GrantHandle _rxHandle;
    private Gfn _bounce;
    private int _nextMapSlot = 2;

    public BackRing? Tx { get; private set; }

    public BackRing? Rx { get; private set; }

    public EvtchnPort Port { get; private set; }

    /// <summary>Events the frontend sent on the device's channel.</summary>
    public int EventsReceived { get; private set; }

    public string BackendDir => backendDir;

    /// <summary>What xvif writes before InitWait: its features, then the state.</summary>
    public void Offer(bool sg)
    {
        Write("feature-rx-copy", "1");
        Write("feature-ipv6-csum-offload", "1");
        Write("feature-sg", sg ? "1" : "0");
        SetState(2);
    }

    public void SetState(int state) => Write("state", state.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public string? FrontendKey(string key) => store.Read($"{frontendDir}/{key}", out string value) == Errno.Ok ? value : null;

    /// <summary>The backend's connect: map both rings, bind the frontend's port, go Connected.</summary>
    public void Connect()
    {
        _txRingGfn = dom0.Hypercalls.Memory.Layout.MapSpaceStart;
        _rxRingGfn = new Gfn(_txRingGfn.Value + 1);
        _txHandle = Map(new GrantRef(uint.Parse(FrontendKey("tx-ring-ref")!)), _txRingGfn, readOnly: false);
        _rxHandle = Map(new GrantRef(uint.Parse(FrontendKey("rx-ring-ref")!)), _rxRingGfn, readOnly: false);
        Tx = new BackRing(dom0.Hypercalls.Memory.PageMemory(_txRingGfn), NetifTxRequest.Size);
        Rx = new BackRing(dom0.Hypercalls.Memory.PageMemory(_rxRingGfn), NetifRxRequest.Size);
        var bind = new EvtchnBindInterdomain { RemoteDom = guest, RemotePort = new EvtchnPort(uint.Parse(FrontendKey("event-channel")!)) };
        Assert.That(dom0.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.Ok));
        Port = bind.LocalPort;
        dom0.Events.Bind(Port, _ => EventsReceived++);
        _bounce = dom0.Pages.Allocate();
        SetState(4);
    }

    /// <summary>The backend's disconnect: unmap the rings, close the port, free the bounce page.</summary>
    public void Disconnect()
    {
        Span<GnttabUnmapGrantRef> unmap =
        [
            new() { HostAddr = _txRingGfn.Address, Handle = _txHandle },
            new() { HostAddr = _rxRingGfn.Address, Handle = _rxHandle },
        ];
        dom0.Hypercalls.GrantTable.UnmapGrantRef(unmap);
        Assert.That(unmap[0].Status, Is.EqualTo(GntSt.Okay));
        Assert.That(unmap[1].Status, Is.EqualTo(GntSt.Okay));
        dom0.Events.Unbind(Port);
        Assert.That(dom0.Hypercalls.EventChannel.Close(Port), Is.EqualTo(Errno.Ok));
        dom0.Pages.Free(_bounce);
    }

    /// <summary>Maps a guest grant into dom0's map space; returns the handle and where it is.</summary>
    public (GrantHandle Handle, Gfn At) MapExtra(GrantRef gref, bool readOnly)
    {
        var at = new Gfn(dom0.Hypercalls.Memory.Layout.MapSpaceStart.Value + (ulong)_nextMapSlot++);
        return (Map(gref, at, readOnly), at);
    }

    public void Unmap(GrantHandle handle, Gfn at)
    {
        Span<GnttabUnmapGrantRef> unmap = [new() { HostAddr = at.Address, Handle = handle }];
        dom0.Hypercalls.GrantTable.UnmapGrantRef(unmap);
        Assert.That(unmap[0].Status, Is.EqualTo(GntSt.Okay));
    }

    /// <summary>Copies every new TX request out once (RING_COPY_REQUEST).</summary>
    public List<NetifTxRequest> TakeTxRequests()
    {
        BackRing ring = Tx!;
        var requests = new List<NetifTxRequest>();
        RingIndex prod = ring.ReadReqProd();
        for (uint n = ring.UnconsumedRequests(prod); n > 0; n--)
        {
            requests.Add(NetifTxRequest.Read(ring.Page.Span.Slice(ring.EntryOffset(ring.ReqCons), NetifTxRequest.Size)));
            ring.ReqCons += 1;
        }

        return requests;
    }

    /// <summary>GNTTABOP_copy of one TX slot's bytes out of the guest.</summary>
    public byte[] CopyOut(NetifTxRequest request, int length)
    {
        Span<GnttabCopy> copy =
        [
            new()
            {
                Source = GnttabCopyPtr.Grant(guest, request.Gref, request.Offset),
                Dest = GnttabCopyPtr.Frame(_bounce, 0),
                Len = (ushort)length,
                Flags = GntCopyFlags.SourceGref,
            },
        ];
        dom0.Hypercalls.GrantTable.Copy(copy);
        Assert.That(copy[0].Status, Is.EqualTo(GntSt.Okay));
        return dom0.Hypercalls.Memory.Page(_bounce).Slice(0, length).ToArray();
    }

    /// <summary>Writes a TX response at rsp_prod_pvt.</summary>
    public void RespondTx(ushort id, NetifRsp status)
    {
        BackRing ring = Tx!;
        new NetifTxResponse { Id = id, Status = status }.Write(ring.Page.Span.Slice(ring.EntryOffset(ring.RspProdPvt), NetifTxResponse.Size));
        ring.RspProdPvt += 1;
    }

    /// <summary>Publishes responses and notifies if the frontend asked; true if it did.</summary>
    public bool PushTx() => PushAndNotify(Tx!);

    public bool PushRx() => PushAndNotify(Rx!);

    /// <summary>Notifies the frontend whether or not it asked (a backend may always kick).</summary>
    public void Kick() => dom0.Events.Notify(Port);

    public List<NetifRxRequest> TakeRxRequests()
    {
        BackRing ring = Rx!;
        var requests = new List<NetifRxRequest>();
        RingIndex prod = ring.ReadReqProd();
        for (uint n = ring.UnconsumedRequests(prod); n > 0; n--)
        {
            requests.Add(NetifRxRequest.Read(ring.Page.Span.Slice(ring.EntryOffset(ring.ReqCons), NetifRxRequest.Size)));
            ring.ReqCons += 1;
        }

        return requests;
    }

    /// <summary>GNTTABOP_copy of <paramref name="data"/> into a posted RX buffer, then its response.</summary>
    public void FillRx(NetifRxRequest request, ReadOnlySpan<byte> data, NetRxFlags flags, ushort offset = 0)
    {
        data.CopyTo(dom0.Hypercalls.Memory.Page(_bounce));
        Span<GnttabCopy> copy =
        [
            new()
            {
                Source = GnttabCopyPtr.Frame(_bounce, 0),
                Dest = GnttabCopyPtr.Grant(guest, request.Gref, offset),
                Len = (ushort)data.Length,
                Flags = GntCopyFlags.DestGref,
            },
        ];
        dom0.Hypercalls.GrantTable.Copy(copy);
        Assert.That(copy[0].Status, Is.EqualTo(GntSt.Okay));
        RespondRx(request.Id, offset, flags, (short)data.Length);
    }

    /// <summary>Writes any RX response at rsp_prod_pvt.</summary>
    public void RespondRx(ushort id, ushort offset, NetRxFlags flags, short status)
    {
        BackRing ring = Rx!;
        new NetifRxResponse { Id = id, Offset = offset, Flags = flags, Status = status }
            .Write(ring.Page.Span.Slice(ring.EntryOffset(ring.RspProdPvt), NetifRxResponse.Size));
        ring.RspProdPvt += 1;
    }

    /// <summary>A hostile rsp_prod, written straight into the shared header.</summary>
    public static void WriteRspProd(BackRing ring, RingIndex value) => SharedBits.WriteU32(ring.Page.Span, SharedRing.RspProdOffset, value.Value);

    public static RingIndex ReadRspEvent(BackRing ring) => new(SharedBits.ReadU32(ring.Page.Span, SharedRing.RspEventOffset));

    public static void WriteReqEvent(BackRing ring, RingIndex value) => SharedBits.WriteU32(ring.Page.Span, SharedRing.ReqEventOffset, value.Value);

    private bool PushAndNotify(BackRing ring)
    {
        bool notify = ring.PushResponsesAndCheckNotify();
        if (notify)
        {
            dom0.Events.Notify(Port);
        }

        return notify;
    }

    private GrantHandle Map(GrantRef gref, Gfn at, bool readOnly)
    {
        Span<GnttabMapGrantRef> map =
        [
            new() { HostAddr = at.Address, Flags = GntMapFlags.HostMap | (readOnly ? GntMapFlags.Readonly : GntMapFlags.None), Ref = gref, Dom = guest },
        ];
        dom0.Hypercalls.GrantTable.MapGrantRef(map);
        Assert.That(map[0].Status, Is.EqualTo(GntSt.Okay), $"map {gref}");
        return map[0].Handle;
    }

    private void Write(string key, string value) => Assert.That(store.Write($"{backendDir}/{key}", value), Is.EqualTo(Errno.Ok));
}
