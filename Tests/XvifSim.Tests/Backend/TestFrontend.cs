using System.Globalization;
using XvifSim.Guest;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Tests.Backend;

/// <summary>
/// A frontend written by hand for the backend's tests: it speaks netif.h on
/// a guest (ring pages granted to dom0, an unbound port, TX requests with
/// read-only data grants, RX buffers granted read-write) and can break the
/// protocol on purpose. Every step runs on the guest's vCPU.
/// </summary>
internal sealed class TestFrontend
{
    private readonly XvifHarness _h;
    private readonly List<(Gfn Page, GrantRef Gref)> _grants = [];
    private readonly Dictionary<ushort, Gfn> _rxBuffers = [];
    private Gfn _txPage;
    private Gfn _rxPage;
    private GrantRef _txRef;
    private GrantRef _rxRef;
    private ushort _nextRxId;

    public TestFrontend(XvifHarness harness, (XvifSim.Emulator.Domains.Domain Domain, GuestKernel Kernel, XenbusClient Store) guest, int handle = 0)
    {
        _h = harness;
        Kernel = guest.Kernel;
        Store = guest.Store;
        DomId = guest.Domain.Id;
        Handle = handle;
    }

    public GuestKernel Kernel { get; }

    public XenbusClient Store { get; }

    public DomId DomId { get; }

    public int Handle { get; }

    public string Dir => XvifHarness.FrontendDir(DomId, Handle);

    public string VifName => $"xvif{DomId.Value}i{Handle}";

    public FrontRing Tx { get; private set; } = null!;

    public FrontRing Rx { get; private set; } = null!;

    public EvtchnPort Port { get; private set; }

    public int EventsSeen { get; private set; }

    /// <summary>Rings allocated, initialised and granted; a port offered to dom0.</summary>
    public void SetUp() => _h.On(Kernel, () =>
    {
        _txPage = Kernel.Pages.Allocate();
        _rxPage = Kernel.Pages.Allocate();
        Memory<byte> tx = Kernel.Hypercalls.Memory.PageMemory(_txPage), rx = Kernel.Hypercalls.Memory.PageMemory(_rxPage);
        SharedRing.Init(tx.Span);
        SharedRing.Init(rx.Span);
        Tx = new FrontRing(tx, NetifTxRequest.Size);
        Rx = new FrontRing(rx, NetifRxRequest.Size);
        Assert.That(Kernel.Grants.TryGrantForeignAccess(DomId.Dom0, _txPage, readOnly: false, out _txRef));
        Assert.That(Kernel.Grants.TryGrantForeignAccess(DomId.Dom0, _rxPage, readOnly: false, out _rxRef));
        var alloc = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = DomId.Dom0 };
        Assert.That(Kernel.Hypercalls.EventChannel.AllocUnbound(ref alloc), Is.EqualTo(Errno.Ok));
        Port = alloc.Port;
        Kernel.Events.Bind(Port, _ => EventsSeen++);
    });

    /// <summary>Writes the ring refs, port and request-rx-copy, then the state (4 by default: the backend connects on Connected).</summary>
    public void Publish(bool requestRxCopy = true, int state = 4) => _h.OnAsync(Kernel, async () =>
    {
        await Write("tx-ring-ref", _txRef.Value.ToString(CultureInfo.InvariantCulture));
        await Write("rx-ring-ref", _rxRef.Value.ToString(CultureInfo.InvariantCulture));
        await Write("event-channel", Port.Value.ToString(CultureInfo.InvariantCulture));
        if (requestRxCopy)
        {
            await Write("request-rx-copy", "1");
        }

        await Write("feature-rx-notify", "1");
        await Write("state", state.ToString(CultureInfo.InvariantCulture));
    });

    public void SetState(int state) => _h.OnAsync(Kernel, () => Write("state", state.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Sets up, publishes and waits for the backend to reach Connected.</summary>
    public void Connect()
    {
        SetUp();
        Publish();
        Assert.That(_h.WaitForBackendState(DomId, Handle, 4), "the backend did not reach Connected");
    }

    /// <summary>A data page holding <paramref name="data"/> at <paramref name="offset"/>, granted read-only to dom0 (or, for a hostile test, to <paramref name="to"/>).</summary>
    public GrantRef GrantData(byte[] data, int offset, DomId? to = null) => GrantPage(data, offset, readOnly: true, to).Gref;

    /// <summary>A page holding <paramref name="data"/> at <paramref name="offset"/>, granted to <paramref name="to"/> (dom0 by default) with the access asked for.</summary>
    public (Gfn Page, GrantRef Gref) GrantPage(byte[] data, int offset, bool readOnly, DomId? to = null) => _h.On(Kernel, () =>
    {
        Gfn page = Kernel.Pages.Allocate();
        data.CopyTo(Kernel.Hypercalls.Memory.Page(page)[offset..]);
        Assert.That(Kernel.Grants.TryGrantForeignAccess(to ?? DomId.Dom0, page, readOnly, out GrantRef gref));
        _grants.Add((page, gref));
        return (page, gref);
    });

    /// <summary>Puts <paramref name="requests"/> on the TX ring, pushes and notifies (when asked to by the ring, or always).</summary>
    public void PostTx(params NetifTxRequest[] requests) => _h.On(Kernel, () =>
    {
        foreach (NetifTxRequest request in requests)
        {
            request.Write(Tx.NextRequest());
            Tx.ReqProdPvt += 1;
        }

        Tx.PushRequestsAndCheckNotify();
        Kernel.Events.Notify(Port);
    });

    /// <summary>One frame in one slot at offset 0.</summary>
    public void SendFrame(byte[] frame, ushort id = 0, NetTxFlags flags = NetTxFlags.None) =>
        PostTx(new NetifTxRequest { Gref = GrantData(frame, 0), Offset = 0, Flags = flags, Id = id, PacketSize = (ushort)frame.Length });

    /// <summary>
    /// A chain carrying <paramref name="frame"/> split into <paramref name="slotSizes"/>
    /// (slot 0's size field is the whole frame's, as netif.h says). Ids 0, 1, ...
    /// </summary>
    public NetifTxRequest[] Chain(byte[] frame, params int[] slotSizes)
    {
        var requests = new NetifTxRequest[slotSizes.Length];
        int at = 0;
        for (int i = 0; i < slotSizes.Length; i++)
        {
            requests[i] = new NetifTxRequest
            {
                Gref = GrantData(frame.AsSpan(at, slotSizes[i]).ToArray(), 0),
                Flags = i < slotSizes.Length - 1 ? NetTxFlags.MoreData : NetTxFlags.None,
                Id = (ushort)i,
                PacketSize = (ushort)(i == 0 ? frame.Length : slotSizes[i]),
            };
            at += slotSizes[i];
        }

        return requests;
    }

    /// <summary>Writes a raw req_prod (a hostile frontend) and notifies.</summary>
    public void SetTxReqProd(uint value) => _h.On(Kernel, () =>
    {
        SharedBits.WriteU32(Tx.Page.Span, SharedRing.ReqProdOffset, value);
        Kernel.Events.Notify(Port);
    });

    /// <summary>TX responses published and not yet taken (read from the shared page).</summary>
    public uint TxPending => new RingIndex(SharedBits.ReadU32(Tx.Page.Span, SharedRing.RspProdOffset)) - Tx.RspCons;

    /// <summary>Waits for <paramref name="count"/> TX responses and takes them.</summary>
    public List<NetifTxResponse> TakeTx(int count)
    {
        Assert.That(_h.RunUntil(() => TxPending >= count), $"expected {count} TX responses, have {TxPending}");
        return _h.On(Kernel, () =>
        {
            var responses = new List<NetifTxResponse>();
            RingIndex prod = Tx.ReadRspProd();
            for (; Tx.RspCons != prod; Tx.RspCons += 1)
            {
                responses.Add(NetifTxResponse.Read(Tx.Page.Span.Slice(Tx.EntryOffset(Tx.RspCons), NetifTxResponse.Size)));
            }

            return responses;
        });
    }

    /// <summary>Posts <paramref name="count"/> RX buffers (pages granted read-write); notifies if the ring says so, or if <paramref name="notify"/> forces it either way.</summary>
    public void PostRx(int count, bool? notify = null) => _h.On(Kernel, () =>
    {
        for (int i = 0; i < count; i++)
        {
            Gfn page = Kernel.Pages.Allocate();
            Assert.That(Kernel.Grants.TryGrantForeignAccess(DomId.Dom0, page, readOnly: false, out GrantRef gref));
            _grants.Add((page, gref));
            ushort id = _nextRxId++;
            _rxBuffers[id] = page;
            new NetifRxRequest { Id = id, Gref = gref }.Write(Rx.NextRequest());
            Rx.ReqProdPvt += 1;
        }

        bool ringSays = Rx.PushRequestsAndCheckNotify();
        LastRxPushWantedNotify = ringSays;
        if (notify ?? ringSays)
        {
            Kernel.Events.Notify(Port);
        }
    });

    /// <summary>Whether the RX ring's req_event asked for an event at the last <see cref="PostRx"/> (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY).</summary>
    public bool LastRxPushWantedNotify { get; private set; }

    /// <summary>
    /// Posts RX requests as given (any id, any gref: a hostile frontend), pushes and notifies.
    /// A request with a page has its buffer remembered under its id for <see cref="TakeRx"/>.
    /// </summary>
    public void PostRxRaw(params (ushort Id, GrantRef Gref, Gfn? Page)[] requests) => _h.On(Kernel, () =>
    {
        foreach ((ushort id, GrantRef gref, Gfn? page) in requests)
        {
            if (page is { } buffer)
            {
                _rxBuffers[id] = buffer;
            }

            new NetifRxRequest { Id = id, Gref = gref }.Write(Rx.NextRequest());
            Rx.ReqProdPvt += 1;
        }

        Rx.PushRequestsAndCheckNotify();
        Kernel.Events.Notify(Port);
    });

    public void Notify() => _h.On(Kernel, () => { Kernel.Events.Notify(Port); });

    public uint RxPending => new RingIndex(SharedBits.ReadU32(Rx.Page.Span, SharedRing.RspProdOffset)) - Rx.RspCons;

    /// <summary>Takes the published RX responses with the bytes each put in its buffer.</summary>
    public List<(NetifRxResponse Response, byte[] Data)> TakeRx() => _h.On(Kernel, () =>
    {
        var responses = new List<(NetifRxResponse, byte[])>();
        RingIndex prod = Rx.ReadRspProd();
        for (; Rx.RspCons != prod; Rx.RspCons += 1)
        {
            var rsp = NetifRxResponse.Read(Rx.Page.Span.Slice(Rx.EntryOffset(Rx.RspCons), NetifRxResponse.Size));
            bool known = _rxBuffers.TryGetValue(rsp.Id, out Gfn buffer);
            responses.Add((rsp, rsp.Status > 0 && known ? Kernel.Hypercalls.Memory.Page(buffer).Slice(rsp.Offset, rsp.Status).ToArray() : []));
        }

        return responses;
    });

    /// <summary>Ends every grant (all must be free of dom0 by now), frees the pages and closes the port.</summary>
    public void TearDown() => _h.On(Kernel, () =>
    {
        foreach ((Gfn page, GrantRef gref) in _grants.Concat([(_txPage, _txRef), (_rxPage, _rxRef)]))
        {
            Assert.That(Kernel.Grants.EndForeignAccess(gref), $"{gref} still in use by dom0");
            Kernel.Pages.Free(page);
        }

        _grants.Clear();
        Kernel.Events.Unbind(Port);
        Assert.That(Kernel.Hypercalls.EventChannel.Close(Port), Is.EqualTo(Errno.Ok));
    });

    private async Task Write(string key, string value) =>
        Assert.That(await Store.WriteAsync($"{Dir}/{key}", value), Is.EqualTo(Errno.Ok), key);

    /// <summary>A frame of <paramref name="length"/> bytes: broadcast destination, a source MAC, then a counting pattern.</summary>
    public static byte[] Frame(int length, byte seed = 1)
    {
        var frame = new byte[length];
        for (int i = 0; i < length; i++)
        {
            frame[i] = (byte)(i < 6 ? 0xff : seed + i);
        }

        return frame;
    }
}
