using System.Buffers;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Memory;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using static XvifSim.Public.XenStore.XenstoreDomainInterface;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// The server's end of one domain's XenStore ring (docs/misc/xenstore-ring.txt).
/// Requests are read from req[] as a byte stream, reassembled across wraps
/// and notifications, and handed to the core whole; replies and watch events
/// queue here and are written into rsp[] as space allows. Everything but the
/// sink runs on the xenstored service vCPU. The guest owns the indices it
/// produces, so each is read once per pass and checked: a producer more than
/// a ring ahead is XENSTORE_ERROR_RINGIDX, a payload over
/// XENSTORE_PAYLOAD_MAX is XENSTORE_ERROR_PROTO; either stops service on this
/// ring only (C xenstored), with the reason in the page's error field.
/// Queued messages live in buffers rented from the shared array pool and
/// returned once written, so serving requests allocates nothing per message.
/// </summary>
internal sealed class XsRingConnection
{
    /// <summary>Requests handled in one pass before yielding to other rings, so a flooding guest cannot starve them.</summary>
    public const int RequestsPerPass = 16;

    /// <summary>Queued watch events past which further ones are dropped (xenstored's per-domain event quota, XSA-326).</summary>
    public const int MaxQueuedEvents = 1024;

    /// <summary>
    /// Replies waiting for room in rsp[] past which an unprivileged ring's
    /// requests are left unread (C xenstored's 20 outstanding requests,
    /// docs/reference/xenstore.md, "Quotas"). Without it a guest that sends and never reads would
    /// grow the queue without bound; with it, it only fills its own ring.
    /// </summary>
    public const int MaxQueuedReplies = 20;

    private readonly PageFrame _frame;
    private readonly XenStoreCore _core;
    private readonly Action<string> _log;
    private readonly Lock _outLock = new();
    private readonly Queue<(byte[] Buffer, int Length, bool IsEvent)> _out = new();
    private readonly byte[] _request = new byte[XsdSockmsg.Size + XsLimits.PayloadMax];
    private int _requestLength;
    private int _queuedEvents;
    private int _queuedReplies;
    private int _outOffset;
    private bool _unread;

    /// <summary>The server's end of <paramref name="domain"/>'s ring, a connection of <paramref name="core"/>.</summary>
    /// <param name="domain">The domain whose ring page is served.</param>
    /// <param name="core">The store the requests go to.</param>
    /// <param name="log">Where protocol violations are reported.</param>
    /// <param name="serve">The service vCPU's pass over a ring, bound to this one as <see cref="ServicePass"/>.</param>
    public XsRingConnection(Domain domain, XenStoreCore core, Action<string> log, Action<XsRingConnection> serve)
    {
        ServicePass = () => serve(this);
        Domain = domain;
        _frame = domain.XenstoreRing;
        _core = core;
        _log = log;
        Connection = core.Connect(domain.Id, domain.IsPrivileged, Enqueue);
    }

    public Domain Domain { get; }

    /// <summary>Held by a service pass; Detach takes it after forgetting the ring, so no pass touches the page once the domain is detached.</summary>
    public Lock ServiceLock { get; } = new();

    /// <summary>The ring page, read where it is used: a pass must not outlive Detach with a span of it (see <see cref="ServiceLock"/>).</summary>
    private Span<byte> Page => _frame.Span;

    public XsConnection Connection { get; }

    /// <summary>The dom0 port the hypervisor holds, bound to the domain's store port.</summary>
    public EvtchnPort ServerPort { get; set; }

    /// <summary>The service vCPU's pass over this ring, made once so that a notification allocates no closure.</summary>
    public Action ServicePass { get; }

    /// <summary>Set once the ring broke the protocol; nothing more is read or written.</summary>
    public XenstoreRingError Error { get; private set; }

    /// <summary>Watch events dropped because the guest did not read its ring.</summary>
    public long DroppedEvents { get; private set; }

    /// <summary>Raised from <see cref="Enqueue"/> when output is waiting (on any thread).</summary>
    public event Action? OutputQueued;

    /// <summary>
    /// One service pass: consume requests, then write queued output. Returns
    /// (whether the guest must be notified, whether more requests may be waiting).
    /// </summary>
    public (bool Notify, bool More) Service()
    {
        if (Error != XenstoreRingError.None)
        {
            return (false, false);
        }

        bool consumed = ReadRequests();
        bool produced = Error == XenstoreRingError.None && WriteOutput();
        if (Error != XenstoreRingError.None)
        {
            // Tell the guest at once: the error field is all it will get now.
            return (true, false);
        }

        // Requests left unread come round again, unless replies are backed
        // up: then the guest's notification after it reads rsp[] restarts us.
        return (consumed || produced, _unread && !RepliesBackedUp());
    }

    private bool ReadRequests()
    {
        _unread = false;
        uint cons = SharedBits.ReadU32(Page, ReqConsOffset);
        uint prod = SharedBits.ReadU32(Page, ReqProdOffset);
        uint available = unchecked(prod - cons);
        if (available > RingSize)
        {
            Fail(XenstoreRingError.RingIdx, $"req_prod {prod} is {available} bytes past req_cons {cons}");
            return false;
        }

        // rmb(): read the bytes only after the producer index.
        Interlocked.MemoryBarrier();
        uint start = cons;
        int handled = 0;
        while (available > 0 && handled < RequestsPerPass && !RepliesBackedUp())
        {
            int wanted = _requestLength < XsdSockmsg.Size
                ? XsdSockmsg.Size - _requestLength
                : XsdSockmsg.Size + (int)XsdSockmsg.Read(_request).Len - _requestLength;
            int n = (int)Math.Min((uint)wanted, available);
            CopyOut(cons, _request.AsSpan(_requestLength, n));
            cons += (uint)n;
            available -= (uint)n;
            _requestLength += n;
            if (_requestLength == XsdSockmsg.Size)
            {
                XsdSockmsg header = XsdSockmsg.Read(_request);
                if (header.Len > XsLimits.PayloadMax)
                {
                    PublishConsumer(cons);
                    Fail(XenstoreRingError.Proto, $"{header.Type} with a {header.Len}-byte payload (limit {XsLimits.PayloadMax})");
                    return true;
                }
            }

            if (_requestLength >= XsdSockmsg.Size && _requestLength == XsdSockmsg.Size + (int)XsdSockmsg.Read(_request).Len)
            {
                XsdSockmsg header = XsdSockmsg.Read(_request);
                _requestLength = 0;
                handled++;
                _core.Process(Connection, header.Type, header.ReqId, header.TxId, _request.AsSpan(XsdSockmsg.Size, (int)header.Len));
            }
        }

        _unread = available > 0;
        if (cons == start)
        {
            return false;
        }

        PublishConsumer(cons);
        return true;
    }

    private void PublishConsumer(uint cons)
    {
        // mb(): finish reading before telling the guest the space is free.
        Interlocked.MemoryBarrier();
        SharedBits.WriteU32(Page, ReqConsOffset, cons);
    }

    private bool WriteOutput()
    {
        uint prod = SharedBits.ReadU32(Page, RspProdOffset);
        uint cons = SharedBits.ReadU32(Page, RspConsOffset);
        uint used = unchecked(prod - cons);
        if (used > RingSize)
        {
            Fail(XenstoreRingError.RingIdx, $"rsp_cons {cons} is {unchecked(cons - prod)} bytes past rsp_prod {prod}");
            return false;
        }

        uint start = prod;
        lock (_outLock)
        {
            while (_out.TryPeek(out var message) && used < RingSize)
            {
                int n = (int)Math.Min((uint)(message.Length - _outOffset), RingSize - used);
                CopyIn(prod, message.Buffer.AsSpan(_outOffset, n));
                prod += (uint)n;
                used += (uint)n;
                _outOffset += n;
                if (_outOffset == message.Length)
                {
                    _out.Dequeue();
                    ArrayPool<byte>.Shared.Return(message.Buffer);
                    _outOffset = 0;
                    if (message.IsEvent)
                    {
                        _queuedEvents--;
                    }
                    else
                    {
                        _queuedReplies--;
                    }
                }
            }
        }

        if (prod == start)
        {
            return false;
        }

        // wmb(): the bytes before the producer index.
        Interlocked.MemoryBarrier();
        SharedBits.WriteU32(Page, RspProdOffset, prod);
        return true;
    }

    /// <summary>The core's sink: queue a reply or watch event for the ring (any thread).</summary>
    private void Enqueue(XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload)
    {
        bool isEvent = type == XsdSockmsgType.WatchEvent;
        lock (_outLock)
        {
            if (isEvent)
            {
                if (_queuedEvents >= MaxQueuedEvents)
                {
                    DroppedEvents++;
                    return;
                }

                _queuedEvents++;
            }
            else
            {
                _queuedReplies++;
            }

            int length = XsdSockmsg.Size + payload.Length;
            byte[] message = ArrayPool<byte>.Shared.Rent(length);
            new XsdSockmsg(type, reqId, txId, (uint)payload.Length).Write(message);
            payload.CopyTo(message.AsSpan(XsdSockmsg.Size));
            _out.Enqueue((message, length, isEvent));
        }

        OutputQueued?.Invoke();
    }

    /// <summary>True while an unprivileged ring has <see cref="MaxQueuedReplies"/> replies waiting; dom0 is not limited (docs/reference/xenstore.md, "Quotas").</summary>
    private bool RepliesBackedUp()
    {
        if (Domain.IsPrivileged)
        {
            return false;
        }

        lock (_outLock)
        {
            return _queuedReplies >= MaxQueuedReplies;
        }
    }

    private void CopyOut(uint index, Span<byte> destination)
    {
        int at = MaskIndex(index);
        int first = Math.Min(destination.Length, RingSize - at);
        Page.Slice(ReqOffset + at, first).CopyTo(destination);
        Page.Slice(ReqOffset, destination.Length - first).CopyTo(destination[first..]);
    }

    private void CopyIn(uint index, ReadOnlySpan<byte> source)
    {
        int at = MaskIndex(index);
        int first = Math.Min(source.Length, RingSize - at);
        source[..first].CopyTo(Page.Slice(RspOffset + at, first));
        source[first..].CopyTo(Page.Slice(RspOffset, source.Length - first));
    }

    /// <summary>
    /// Stops serving the ring, as C xenstored's ignore_connection does: the
    /// reason goes in the error field, and the connection's watches,
    /// transactions and queued output are dropped, since nothing can reach
    /// the guest any more (an open transaction would otherwise count against
    /// its quota, and watch events pile up, until it is destroyed).
    /// </summary>
    private void Fail(XenstoreRingError error, string why)
    {
        Error = error;
        SharedBits.WriteU32(Page, ErrorOffset, (uint)error);
        _core.Disconnect(Connection);
        lock (_outLock)
        {
            while (_out.TryDequeue(out var message))
            {
                ArrayPool<byte>.Shared.Return(message.Buffer);
            }

            _outOffset = 0;
            _queuedEvents = 0;
            _queuedReplies = 0;
        }

        _log($"xenstored: {Domain}: {why}; ring error {(uint)error}, no longer served");
    }
}
