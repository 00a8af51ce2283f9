using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Guest.Timers;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;
using XvifSim.Public.Grants;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Backend;

/// <summary>
/// One xvif: the backend half of one guest's vif (NetBSD's struct
/// xnetback_instance), with its interface <c>xvif&lt;domid&gt;i&lt;handle&gt;</c>
/// in dom0. Split by concern: Attach (create and the handshake keys), Connect
/// (rings and event channel), Tx (guest to dom0), Rx (dom0 to guest), Fatal
/// (disabling a hostile frontend) and Teardown. Everything runs on dom0's vCPU.
/// <para>
/// Supports what NetBSD rev 1.125 does: grant copy both ways in batches of
/// 64, TX chains of up to 18 slots, multi-slot RX for frames over 4096 bytes, a 512-frame RX queue with a
/// 1-second watchdog; RX frames carry csum_blank or
/// data_validated. Hardened as Linux netback is: single fetch of every
/// request (also in the chain walk NetBSD does in place), a fatal disable for
/// protocol violations, every grant-copy status checked, page crossing checked
/// on every slot, extra-info segments parsed and checked; a HASH extra's
/// hash is recorded on the packet as Linux's xenvif_tx_build_gops does
/// (<see cref="XvifSim.Guest.Net.NetworkInterface.ReceivedHash"/>). Not supported:
/// GSO (extra segments are validated, then ignored), multicast control,
/// the hash control ring (feature-ctrl-ring is not offered),
/// split event channels, multi-queue, rate limiting. A TX frame sent with
/// csum_blank has its checksum filled before it goes up
/// (xennet_checksum_fill), for IPv4 UDP; other protocols go up as sent.
/// </para>
/// </summary>
public sealed partial class XvifInstance
{
    /// <summary>NB_XMIT_PAGES_BATCH: grant-copy ops per GNTTABOP_copy call.</summary>
    public const int CopyBatch = 64;

    /// <summary>The RX queue (NetBSD: if_snd, max(ifqmaxlen, 512)).</summary>
    public const int RxQueueLength = 512;

    /// <summary>Linux's fatal_skb_slots default: a chain this long disables the vif.</summary>
    public const int FatalSlots = 20;

    /// <summary>Packets one run of the TX handler takes (Linux's NAPI_POLL_WEIGHT, the budget netback's poll gets).</summary>
    public const int TxBudget = 64;

    private readonly GuestKernel _kernel;
    private readonly RxFrameQueue _rxQueue = new(RxQueueLength);
    private readonly GuestTimer _rxWatchdog;

    /// <summary>NetBSD's xni_softintr: RX runs once per burst of frames, not per frame.</summary>
    private readonly SoftInterrupt _rxSoftStart;
    private readonly RxNotify _rxNotify;

    /// <summary>The TX handler run again after its budget (netback's NAPI poll), behind the vCPU's other work.</summary>
    private readonly SoftInterrupt _txPoll;

    /// <summary>
    /// Rate checks for the lines a frontend can trigger (Linux netback uses
    /// net_ratelimit for the same messages): one for per-packet lines, one for
    /// the handshake and the fatal disable, so a flood of bad packets cannot
    /// hide why the vif was disabled.
    /// </summary>
    private readonly LogRateLimit _packetLog;
    private readonly LogRateLimit _controlLog;

    private XvifInstance(GuestKernel kernel, XenbusDevice device, string name, MacAddress mac, DomId frontendId, ulong handle, RxNotify rxNotify)
    {
        _kernel = kernel;
        _rxNotify = rxNotify;
        Device = device;
        Name = name;
        FrontendId = frontendId;
        Handle = handle;
        Interface = new NetworkInterface(name, mac, this, kernel.Packets);
        _rxWatchdog = kernel.Timers.Create(RxWatchdog);
        _rxSoftStart = kernel.EstablishSoftInterrupt(RxStart);
        _txPoll = kernel.EstablishSoftInterrupt(OnEvent);
        _packetLog = new LogRateLimit(kernel, name);
        _controlLog = new LogRateLimit(kernel, name);
    }

    /// <summary>The xenbus device (backend/vif/&lt;domid&gt;/&lt;handle&gt;) this instance serves.</summary>
    public XenbusDevice Device { get; }

    /// <summary>xvif&lt;domid&gt;i&lt;handle&gt;.</summary>
    public string Name { get; }

    /// <summary>The frontend's domain.</summary>
    public DomId FrontendId { get; }

    /// <summary>The vif's handle: its index in the guest's config.</summary>
    public ulong Handle { get; }

    /// <summary>The interface in dom0's table (its MAC is the guest's with the rule's octet incremented).</summary>
    public NetworkInterface Interface { get; }

    /// <summary>Rings mapped and the event channel bound.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>Disabled for a protocol violation (Linux's vif->disabled): the rings are not serviced until a reconnect.</summary>
    public bool IsDisabled { get; private set; }

    /// <summary>Frames waiting for the guest to post RX buffers.</summary>
    public int RxQueued => _rxQueue.Count;

    /// <summary>TX packets answered DROPPED because dom0's packet pool (or RAM) had no buffer for them (NetBSD's "mbuf alloc failed").</summary>
    public long TxNoBuffers { get; private set; }

    /// <summary>Lines the rate checks held back so far (each one still counted where it happened).</summary>
    public long LogSuppressed => _packetLog.Suppressed + _controlLog.Suppressed;

    private IHypercalls Hypercalls => _kernel.Hypercalls;

    /// <summary>A handshake or disable line, rate-checked. Per-packet lines check <see cref="_packetLog"/> before formatting and call <see cref="WriteLine"/>.</summary>
    private void Log(string text)
    {
        if (_controlLog.Allow())
        {
            WriteLine(text);
        }
    }

    private void WriteLine(string text) => _kernel.Log($"{Name}: {text}");
}
