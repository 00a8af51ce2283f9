using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Frontend;

/// <summary>
/// One xennet interface: NetBSD's if_xennet_xenbus.c (rev 1.128) softc, on
/// the netif.h protocol, with the response checks of Linux's hardened
/// xen-netfront (2021).
/// <para>
/// Supports: attach (backend features, MAC from device/vif/N/mac, interface
/// xennetN), ring set-up and the xenbus handshake (states 1 → 3 → 4, keys in
/// one transaction; the backend's features read again at every connect, as
/// Linux's netfront does, where NetBSD reads them only at attach and resume), 256 RX buffers with refill at 204 free, TX with
/// read-only grants and multi-slot chains when the backend offers
/// feature-sg, csum_blank / data_validated flags, TX from the packet
/// buffer's own pages at their real offsets (one request per page piece,
/// as xennet_start does), RX pages swapped out of the ring and handed up as
/// the packet buffer (a chain for a multi-slot frame, nothing copied),
/// NetBSD's TX event threshold and RX final check, backend Closing → Closed,
/// forced detach, suspend and resume (the toolstack replaces the backend
/// meanwhile; see XennetInstance.Suspend.cs), and a fault-injection hook that
/// stops RX refills (<see cref="PauseRxRefill"/>).
/// </para>
/// <para>
/// Hardening (Linux netfront, not in NetBSD): a response count beyond what
/// was posted, an id out of range, a response for a request not
/// outstanding, or a grant the backend still holds when its response
/// arrives mark the interface broken: it logs why, stops servicing the
/// rings and drops every send (counted). An RX response with status &lt; 0
/// or offset + status &gt; 4096 is rejected as Linux rejects it: its frame is
/// dropped (InErrors) and the buffer reposted.
/// </para>
/// <para>
/// Does not support: GSO, extra-info segments, multi-queue, split event
/// channels, the control ring, multicast control; filling a blank RX
/// checksum (NetworkInterface.Input carries no M_CSUM flags, so frames are
/// delivered as received and only counted).
/// </para>
/// </summary>
public sealed partial class XennetInstance : INetDriver
{
    /// <summary>NET_TX_RING_SIZE and NET_RX_RING_SIZE: NetBSD keeps one request id per ring entry.</summary>
    private static readonly int TxSlots = (int)Netif.TxRingSize;
    private static readonly int RxSlots = (int)Netif.RxRingSize;

    private readonly GuestKernel _kernel;
    private readonly XenbusDevice _device;
    private readonly Action<EvtchnPort> _onEvent;

    /// <summary>The rate check for lines a backend can trigger: bad RX responses (Linux netfront uses net_ratelimit for them) and unexpected backend states.</summary>
    private readonly LogRateLimit _backendLog;

    internal XennetInstance(XenbusDevice device, int unit)
    {
        _device = device;
        _kernel = device.Kernel;
        Unit = unit;
        Name = $"xennet{unit}";
        _onEvent = OnEvent;
        _txSlots = new XennetTxSlot[TxSlots];
        _txFree = new ushort[TxSlots];
        _rxSlots = new XennetRxSlot[RxSlots];
        _rxFree = new ushort[RxSlots];
        _backendLog = new LogRateLimit(_kernel, Name);
    }

    /// <summary>Lines the rate check held back so far (each rejected response is still counted in <see cref="Statistics"/>).</summary>
    public long LogSuppressed => _backendLog.Suppressed;

    /// <summary>The device id N of device/vif/N.</summary>
    public int Unit { get; }

    /// <summary>The interface name, xennet&lt;N&gt;.</summary>
    public string Name { get; }

    /// <summary>The device's xenbus node (device/vif/N).</summary>
    public XenbusDevice Device => _device;

    /// <summary>The interface, once attached.</summary>
    public NetworkInterface? Interface { get; private set; }

    /// <summary>What the backend offered at the last connect (before the first: at attach).</summary>
    public XennetFeatures BackendFeatures { get; private set; }

    /// <summary>Where the handshake with the backend stands.</summary>
    public XennetBackendStatus Status { get; private set; }

    /// <summary>Why the interface was disabled, or null while it works (Linux netfront's info->broken).</summary>
    public string? BrokenReason { get; private set; }

    /// <summary>True once the interface was disabled for a protocol violation (see <see cref="BrokenReason"/>).</summary>
    public bool IsBroken => BrokenReason is not null;

    /// <summary>What the driver counted on this interface beyond the interface counters.</summary>
    public XennetStatistics Statistics { get; } = new();

    /// <summary>The port offered to the backend, once allocated.</summary>
    public EvtchnPort? EventChannel => _port;

    /// <summary>The grant of the TX ring page, once granted.</summary>
    public GrantRef? TxRingRef => _txRingRef;

    /// <summary>The grant of the RX ring page, once granted.</summary>
    public GrantRef? RxRingRef => _rxRingRef;

    /// <summary>
    /// The event upcall (xennet_handler): ignored unless connected and not
    /// broken; collects TX completions (NetBSD does it from the deferred
    /// start the handler schedules), then consumes RX responses, then
    /// restarts a sender that found the TX ring full.
    /// </summary>
    private void OnEvent(EvtchnPort port)
    {
        if (Status != XennetBackendStatus.Connected || IsBroken)
        {
            return;
        }

        CollectTxCompletions();
        if (IsBroken)
        {
            return;
        }

        ConsumeRxResponses();
        if (_txStalled && _txFreeCount > 0 && !IsBroken)
        {
            // xennet_tx_complete: clear IFF_OACTIVE and schedule if_start.
            _txStalled = false;
            Interface!.DeferredStart();
        }
    }

    /// <summary>
    /// Linux netfront's "goto err": log the reason and disable the interface.
    /// The rings are no longer serviced and sends are dropped; only a
    /// reconnect (detach and attach) recovers.
    /// </summary>
    private void MarkBroken(string reason)
    {
        BrokenReason = reason;
        _kernel.Log($"{Name}: {reason}");
        _kernel.Log($"{Name}: Disabled for further use");
    }

    private void NotifyBackend()
    {
        if (_port is { } port)
        {
            // notify_remote_via_evtchn: a failure (the backend closed its end) is not ours to report.
            _ = _kernel.Events.Notify(port);
        }
    }

    /// <summary>The interface's counters; the rings run only after attach has set <see cref="Interface"/>.</summary>
    private InterfaceCounters Counters => Interface!.Counters;

    private FrontRing TxRing => _txRing ?? throw new InvalidOperationException($"{Name}: TX ring not set up");

    private FrontRing RxRing => _rxRing ?? throw new InvalidOperationException($"{Name}: RX ring not set up");
}
