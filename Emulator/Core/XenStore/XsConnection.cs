using System.Buffers;
using XvifSim.Public;
using XvifSim.Public.Trace;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// One client of the store: a domain's ring or a socket client. Made by
/// <see cref="XenStoreCore.Connect"/>. Relative paths resolve under
/// /local/domain/&lt;<see cref="DomId"/>&gt;, so a socket connection uses
/// DomId 0 as C xenstored does. The connection owns its watches and
/// transactions (changed only under the core's lock) and an outbound queue
/// that is drained into the transport's sink with no core lock held. Queued
/// payloads live in buffers rented from the shared array pool and returned
/// once delivered, so a steady stream of replies and events allocates nothing
/// (docs/design.md, "How the code is written": no allocation per message on ring paths).
/// </summary>
public sealed class XsConnection
{
    private readonly XsMessageSink _sink;
    private readonly Queue<(XsdSockmsgType Type, uint ReqId, uint TxId, byte[] Buffer, int Length)> _outbound = new();
    private bool _draining;
    private bool _closed;
    private uint _nextTransactionId;

    internal XsConnection(DomId domId, bool isPrivileged, XsMessageSink sink)
    {
        DomId = domId;
        IsPrivileged = isPrivileged;
        _sink = sink;
        HomePath = $"/local/domain/{domId.Value}";
    }

    /// <summary>The domain the connection speaks for.</summary>
    public DomId DomId { get; }

    /// <summary>Dom0 and socket clients: no permission checks, no quotas, privileged ops allowed.</summary>
    public bool IsPrivileged { get; }

    /// <summary>True once disconnected or released: nothing more is delivered.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_outbound)
            {
                return _closed;
            }
        }
    }

    /// <summary>The channel this connection's messages are recorded on, or null.</summary>
    internal ITraceChannel? Trace { get; set; }

    internal TraceXsTransport TraceTransport { get; init; }

    internal uint TraceConnectionId { get; init; }

    /// <summary>Watches registered on this connection (for leak checks).</summary>
    public int WatchCount => Watches.Count;

    /// <summary>Open transactions of this connection (for leak checks).</summary>
    public int TransactionCount => Transactions.Count;

    /// <summary>The home that relative paths resolve under.</summary>
    public string HomePath { get; }

    internal List<XsWatch> Watches { get; } = [];

    internal Dictionary<uint, XsTransaction> Transactions { get; } = [];

    /// <summary>
    /// A fresh transaction id. Like C, ids count up per connection, skip 0
    /// (which means "no transaction") and any id still open after a wrap.
    /// </summary>
    internal uint AllocateTransactionId()
    {
        do
        {
            _nextTransactionId++;
        }
        while (_nextTransactionId == 0 || Transactions.ContainsKey(_nextTransactionId));

        return _nextTransactionId;
    }

    /// <summary>Queues a copy of a message; called under the core's lock, delivered by <see cref="Drain"/>.</summary>
    internal void Enqueue(XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload)
    {
        lock (_outbound)
        {
            if (!_closed)
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
                payload.CopyTo(buffer);
                _outbound.Enqueue((type, reqId, txId, buffer, payload.Length));
            }
        }
    }

    /// <summary>Stops delivery and drops what is still queued.</summary>
    internal void Close()
    {
        lock (_outbound)
        {
            _closed = true;
            while (_outbound.TryDequeue(out var message))
            {
                ArrayPool<byte>.Shared.Return(message.Buffer);
            }
        }
    }

    /// <summary>
    /// Delivers queued messages in order, with no lock held during the sink
    /// call. If another thread (or an outer frame of this one, when a sink
    /// re-enters the core) is already delivering, that one will deliver what
    /// we queued, so messages for one connection never overtake each other.
    /// </summary>
    internal void Drain()
    {
        lock (_outbound)
        {
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        try
        {
            while (true)
            {
                (XsdSockmsgType Type, uint ReqId, uint TxId, byte[] Buffer, int Length) message;
                lock (_outbound)
                {
                    if (_outbound.Count == 0)
                    {
                        _draining = false;
                        return;
                    }

                    message = _outbound.Dequeue();
                }

                ReadOnlySpan<byte> payload = message.Buffer.AsSpan(0, message.Length);
                try
                {
                    if (Trace is { } channel)
                    {
                        TraceXsDirection direction = message.Type == XsdSockmsgType.WatchEvent ? TraceXsDirection.WatchEvent : TraceXsDirection.Reply;
                        TraceRecord.EmitXsMessage(channel, DomId, direction, TraceTransport, TraceConnectionId, message.Type, message.ReqId, message.TxId, payload);
                    }

                    _sink(message.Type, message.ReqId, message.TxId, payload);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(message.Buffer);
                }
            }
        }
        catch
        {
            lock (_outbound)
            {
                _draining = false;
            }

            throw;
        }
    }
}
