using System.Globalization;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Public.Xenbus;

namespace XvifSim.Frontend;

/// <summary>Ring set-up and the xenbus handshake (docs/reference/netbsd-xvif-xennet.md, "xennet: resume and ring set-up" and "xennet: handshake"; NetBSD xennet_xenbus_resume, xennet_talk_to_backend, xennet_backend_changed).</summary>
public sealed partial class XennetInstance
{
    private Gfn _txRingPage;
    private Gfn _rxRingPage;
    private FrontRing? _txRing;
    private FrontRing? _rxRing;
    private GrantRef? _txRingRef;
    private GrantRef? _rxRingRef;
    private EvtchnPort? _port;

    /// <summary>
    /// Ring set-up: zero both ring pages, SHARED_RING_INIT and FRONT_RING_INIT
    /// (io/ring.h), grant each page read-write to the backend, offer it an
    /// unbound event channel, post the RX buffers, switch to Initialised.
    /// Failures are reported with xenbus_dev_fatal as NetBSD does.
    /// </summary>
    private async Task<bool> SetUpRingsAsync()
    {
        Memory<byte> txPage = _kernel.Hypercalls.Memory.PageMemory(_txRingPage);
        Memory<byte> rxPage = _kernel.Hypercalls.Memory.PageMemory(_rxRingPage);
        txPage.Span.Clear();
        rxPage.Span.Clear();
        SharedRing.Init(txPage.Span);
        SharedRing.Init(rxPage.Span);
        // An entry is the union of request and response: the request is the larger of each pair (netif.h).
        _txRing = new FrontRing(txPage, NetifTxRequest.Size);
        _rxRing = new FrontRing(rxPage, NetifRxRequest.Size);
        AttachTraces(_txRing, _rxRing);
        ResetFreeLists();

        DomId backend = _device.OtherEndId;
        if (!_kernel.Grants.TryGrantForeignAccess(backend, _txRingPage, readOnly: false, out GrantRef txRef))
        {
            await _device.DevFatalAsync(Errno.ENOMEM, "granting access to ring page");
            return false;
        }

        _txRingRef = txRef;
        if (!_kernel.Grants.TryGrantForeignAccess(backend, _rxRingPage, readOnly: false, out GrantRef rxRef))
        {
            await _device.DevFatalAsync(Errno.ENOMEM, "granting access to ring page");
            return false;
        }

        _rxRingRef = rxRef;
        var alloc = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = backend };
        Errno error = _kernel.Hypercalls.EventChannel.AllocUnbound(ref alloc);
        if (error != Errno.Ok)
        {
            await _device.DevFatalAsync(error, "allocating event channel");
            return false;
        }

        _port = alloc.Port;
        _kernel.Events.Bind(alloc.Port, _onEvent);
        PostRxBuffers();
        await _device.SwitchStateAsync(XenbusState.Initialised);
        return true;
    }

    /// <summary>
    /// xennet_backend_changed. Closed never arrives here: the driver frees
    /// the device on it, as NetBSD's xenbus_probe detaches on the other
    /// end's Closed before the driver's hook runs.
    /// </summary>
    internal async Task BackendChangedAsync(XenbusState state)
    {
        switch (state)
        {
            case XenbusState.Initialising:
            case XenbusState.Initialised:
            case XenbusState.Connected:
                break;
            case XenbusState.Closing:
                Status = XennetBackendStatus.Closed;
                Interface?.IsRunning = false;
                await _device.SwitchStateAsync(XenbusState.Closed);
                break;
            case XenbusState.InitWait:
                if (Status is XennetBackendStatus.Connected or XennetBackendStatus.Suspended || _txRing is null || _handshaking)
                {
                    break;
                }

                // The watch can report InitWait again while a handshake (or a
                // resume) awaits the store: the handshake runs once.
                _handshaking = true;
                try
                {
                    if (await TalkToBackendAsync())
                    {
                        await _device.SwitchStateAsync(XenbusState.Connected);
                        Start();
                    }
                }
                finally
                {
                    _handshaking = false;
                }

                break;
            default:
                // NetBSD panics here; a guest kernel must not die of what its backend writes.
                if (_backendLog.Allow())
                {
                    _kernel.Log($"{Name}: bad backend state {(int)state}");
                }

                break;
        }
    }

    /// <summary>
    /// xennet_talk_to_backend: first the backend's features are read afresh,
    /// as Linux's xennet_connect does at every connect (NetBSD reads them only
    /// at attach and resume, so a vif network-attached to a running guest,
    /// whose backend writes its features after the frontend attached, would
    /// keep "none" and refuse frames over a page). Then one transaction writes,
    /// in this order, the keys the backend reads (netif.h), retrying on EAGAIN;
    /// any other error aborts it and is reported with dev_fatal under NetBSD's
    /// message. Then refill RX and count as connected.
    /// </summary>
    private async Task<bool> TalkToBackendAsync()
    {
        BackendFeatures = await ReadBackendFeaturesAsync();
        _kernel.Log($"{Name}: backend features {FormatFeatures(BackendFeatures)} at connect");

        XenbusClient store = _device.Store;
        for (int attempt = 1; ; attempt++)
        {
            XsResult<XenbusTransaction> started = await store.TransactionStartAsync();
            if (!started.IsOk)
            {
                // NetBSD returns quietly when xenbus_transaction_start fails.
                return false;
            }

            XenbusTransaction tx = started.Value;
            (Errno error, string step) = await WriteHandshakeKeysAsync(store, tx);
            if (error != Errno.Ok)
            {
                await store.TransactionEndAsync(tx, commit: false);
                await _device.DevFatalAsync(error, step);
                return false;
            }

            error = await store.TransactionEndAsync(tx, commit: true);
            if (error == Errno.EAGAIN && attempt < XenbusClient.MaxTransactionAttempts)
            {
                continue;
            }

            if (error != Errno.Ok)
            {
                await _device.DevFatalAsync(error, "completing transaction");
                return false;
            }

            break;
        }

        PostRxBuffers();
        Status = XennetBackendStatus.Connected;
        return true;
    }

    private async Task<(Errno Error, string Step)> WriteHandshakeKeysAsync(XenbusClient store, XenbusTransaction tx)
    {
        (string Key, string Value, string Step)[] keys =
        [
            ("vifname", Name, "vifname"),
            ("tx-ring-ref", Decimal(_txRingRef!.Value.Value), "writing tx ring-ref"),
            ("rx-ring-ref", Decimal(_rxRingRef!.Value.Value), "writing rx ring-ref"),
            ("request-rx-copy", "1", "writing request-rx-copy"),
            ("feature-rx-notify", "1", "writing feature-rx-notify"),
            ("feature-ipv6-csum-offload", "1", "writing feature-ipv6-csum-offload"),
            ("feature-sg", "1", "writing feature-sg"),
            ("event-channel", Decimal(_port!.Value.Value), "writing event channel"),
        ];
        foreach ((string key, string value, string step) in keys)
        {
            Errno error = await store.WriteAsync($"{_device.NodeName}/{key}", value, tx);
            if (error != Errno.Ok)
            {
                return (error, step);
            }
        }

        return (Errno.Ok, "");
    }

    /// <summary>
    /// xennet_init once connected: ask for an RX event on the next response
    /// (rsp_event = rsp_cons + 1), kick the backend, mark the interface RUNNING.
    /// </summary>
    private void Start()
    {
        if (Status != XennetBackendStatus.Connected)
        {
            return;
        }

        RxRing.SetRspEvent(RxRing.RspCons + 1);
        NotifyBackend();
        Interface?.IsRunning = true;
    }

    /// <summary>Every id free, handed out lowest first (so the first RX post is ids 0..255 in order).</summary>
    private void ResetFreeLists()
    {
        for (int i = 0; i < TxSlots; i++)
        {
            _txFree[i] = (ushort)(TxSlots - 1 - i);
        }

        for (int i = 0; i < RxSlots; i++)
        {
            _rxFree[i] = (ushort)(RxSlots - 1 - i);
        }

        _txFreeCount = TxSlots;
        _rxFreeCount = RxSlots;
        ResetChain();
    }

    private static string Decimal(uint value) => value.ToString(CultureInfo.InvariantCulture);
}
