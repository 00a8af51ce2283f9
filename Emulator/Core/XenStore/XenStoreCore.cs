using XvifSim.Public.Trace;
using System.Collections.Immutable;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// The XenStore: tree, permissions, transactions, watches, quotas and domain
/// bookkeeping, with no I/O (docs/misc/xenstore.txt, xs_wire.h). Transports
/// read complete requests off a ring or a socket and hand them to
/// <see cref="Process"/>; replies and watch events come back through each
/// connection's <see cref="XsMessageSink"/>. Where implementations differ we
/// follow C xenstored (tools/xenstored), and say so.
///
/// One lock guards the tree and all connection state. A request is parsed and
/// validated before the lock, carried out under it, and its messages are
/// delivered after it is released. READ and WRITE of an existing node, the
/// requests a running system makes most, allocate nothing on the way: the
/// path is checked and looked up as the request's own bytes, the reply is
/// copied into a pooled queue buffer, and the bookkeeping objects are reused
/// (Tests/XvifSim.Tests/Core/XenStore/XenStoreCoreAllocationTests.cs holds
/// them to that).
/// </summary>
public sealed partial class XenStoreCore
{
    private static readonly ImmutableArray<XsPermission> Dom0Only = [new XsPermission(DomId.Dom0, XsPermissionAccess.None)];

    private readonly Lock _lock = new();
    private readonly Func<DomId, bool>? _domainExists;
    private XsQuotas _quotas;
    private readonly List<XsConnection> _connections = [];

    /// <summary>The caller of the direct domain hooks: privileged, never registered, never sent anything.</summary>
    private readonly XsConnection _host = new(DomId.Dom0, true, static (_, _, _, _) => { });
    private readonly XsTree _tree = new();

    /// <summary>Every open transaction of every connection, each to be handed what the main store replaces.</summary>
    private readonly List<XsTransaction> _openTransactions = [];

    /// <summary>The one request object, reused under <see cref="_lock"/>.</summary>
    private readonly XsOp _op;
    private ulong _generation;

    /// <summary>
    /// Creates the store with C xenstored's fresh tree (/, /tool,
    /// /tool/xenstored and the hidden @introduceDomain and @releaseDomain, all
    /// n0) plus /local/domain/0 and /vm, which dom0's start-up creates, so
    /// that clients find /local as they expect (docs/reference/xenstore.md, "Outside clients").
    /// </summary>
    /// <summary>Where connections made from now on record their messages; null records nothing.</summary>
    public ITraceSink? Trace { get; set; }

    /// <param name="quotas">The limits for unprivileged domains; C xenstored's defaults when null.</param>
    /// <param name="domainExists">
    /// Whether the hypervisor knows a domain, for XS_INTRODUCE (C xenstored
    /// cannot map the ring of a domain Xen does not know); null: every id is known.
    /// </param>
    public XenStoreCore(XsQuotas? quotas = null, Func<DomId, bool>? domainExists = null)
    {
        _quotas = quotas ?? new XsQuotas();
        _domainExists = domainExists;
        _op = new XsOp(this);
        _introduced.Add(DomId.Dom0);
        Seed("/", "tool", "local", "vm");
        Seed("/tool", "xenstored");
        Seed("/tool/xenstored");
        Seed("/local", "domain");
        Seed("/local/domain", "0");
        Seed("/local/domain/0");
        Seed("/vm");
        Seed(IntroduceDomainPath);
        Seed(ReleaseDomainPath);
    }

    /// <summary>
    /// Registers a client. Privileged connections (dom0's ring, socket
    /// clients) skip permission checks and quotas; relative paths resolve
    /// under /local/domain/&lt;<paramref name="domain"/>&gt;.
    /// </summary>
    /// <para>
    /// With a <see cref="Trace"/> sink, every request, reply and watch event
    /// of the connection is recorded on <c>xenstore/dom&lt;N&gt;</c> (a ring),
    /// <c>xenstore/socket</c> (socket clients, told apart by
    /// <paramref name="connectionId"/>) or <c>xenstore/toolstack</c>.
    /// </para>
    public XsConnection Connect(DomId domain, bool privileged, XsMessageSink sink, TraceXsTransport transport = TraceXsTransport.Ring, uint connectionId = 0)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var conn = new XsConnection(domain, privileged, sink) { TraceTransport = transport, TraceConnectionId = connectionId };
        if (Trace is { } trace)
        {
            conn.Trace = transport switch
            {
                TraceXsTransport.Socket => trace.Open("xenstore/socket", "XenStore messages of Unix-socket clients (xenstore-utils, pyxs), told apart by xs.conn"),
                TraceXsTransport.Toolstack => trace.Open("xenstore/toolstack", "XenStore messages of the toolstack in dom0 (libxl's writes)"),
                _ => trace.Open($"xenstore/dom{domain.Value}", $"XenStore messages on dom{domain.Value}'s XenStore ring"),
            };
        }

        lock (_lock)
        {
            _connections.Add(conn);
        }

        return conn;
    }

    /// <summary>Drops a client with its watches and transactions; nothing more is delivered to it.</summary>
    public void Disconnect(XsConnection conn)
    {
        ArgumentNullException.ThrowIfNull(conn);
        lock (_lock)
        {
            Drop(conn);
        }
    }

    /// <summary>
    /// Handles one complete request and queues its reply (and any watch
    /// events) for delivery before returning. Any failure a client can cause
    /// is answered as an ERROR reply. A payload over XENSTORE_PAYLOAD_MAX is a
    /// protocol violation the transport must catch first (C drops the
    /// connection), so it is refused here as host misuse. Requests on a
    /// closed connection are ignored.
    /// </summary>
    public void Process(XsConnection conn, XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(conn);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, XsLimits.PayloadMax, nameof(payload));

        if (conn.Trace is { } channel)
        {
            TraceRecord.EmitXsMessage(channel, conn.DomId, TraceXsDirection.Request, conn.TraceTransport, conn.TraceConnectionId, type, reqId, txId, payload);
        }

        var request = new XsRequest(conn, type, reqId, txId);
        if (Faults is { } faults && TryStrike(faults, request, payload))
        {
            return;
        }

        switch (type)
        {
            case XsdSockmsgType.Read:
                ProcessRead(request, payload);
                break;
            case XsdSockmsgType.Write:
                ProcessWrite(request, payload);
                break;
            case XsdSockmsgType.Mkdir:
                ProcessMkdir(request, payload);
                break;
            case XsdSockmsgType.Rm:
                ProcessRm(request, payload);
                break;
            case XsdSockmsgType.Directory:
                ProcessDirectory(request, payload);
                break;
            case XsdSockmsgType.DirectoryPart:
                ProcessDirectoryPart(request, payload);
                break;
            case XsdSockmsgType.GetPerms:
                ProcessGetPerms(request, payload);
                break;
            case XsdSockmsgType.SetPerms:
                ProcessSetPerms(request, payload);
                break;
            case XsdSockmsgType.Watch:
                ProcessWatch(request, payload);
                break;
            case XsdSockmsgType.Unwatch:
                ProcessUnwatch(request, payload);
                break;
            case XsdSockmsgType.ResetWatches:
                Execute(request, XsTxMode.Check, false, ResetWatches);
                break;
            case XsdSockmsgType.TransactionStart:
                Execute(request, XsTxMode.Use, false, StartTransaction);
                break;
            case XsdSockmsgType.TransactionEnd:
                ProcessTransactionEnd(request, payload);
                break;
            case XsdSockmsgType.Introduce:
                ProcessIntroduce(request, payload);
                break;
            case XsdSockmsgType.Release:
                ProcessRelease(request, payload);
                break;
            case XsdSockmsgType.Resume:
                ProcessResume(request, payload);
                break;
            case XsdSockmsgType.SetTarget:
                ProcessSetTarget(request, payload);
                break;
            case XsdSockmsgType.IsDomainIntroduced:
                ProcessIsDomainIntroduced(request, payload);
                break;
            case XsdSockmsgType.GetDomainPath:
                ProcessGetDomainPath(request, payload);
                break;
            case XsdSockmsgType.Control:
                ProcessControl(request, payload);
                break;
            default:
                // WATCH_EVENT and ERROR from a client, the removed RESTRICT,
                // the optional GET/SET_FEATURE and GET/SET_QUOTA, and anything
                // unknown (core.c process_message).
                Execute(request, XsTxMode.Ignore, false, static _ => XsReply.Fail(Errno.ENOSYS));
                break;
        }
    }

    /// <summary>The next value of C's global generation counter (transaction.c).</summary>
    internal ulong NextGeneration() => ++_generation;

    /// <summary>The live store, for <see cref="XsOp"/>; changed only through <see cref="SetMain"/>.</summary>
    internal XsTree Tree => _tree;

    /// <summary>
    /// Stores (or, with null, removes) a node of the main store. Every open
    /// transaction first keeps the node it replaces as its start version.
    /// </summary>
    internal void SetMain(string path, XsNode? node)
    {
        KeepStartVersions(path, _tree.Get(path));
        if (node is null)
        {
            _tree.Remove(path);
        }
        else
        {
            _tree.Set(node);
        }
    }

    /// <summary>Hands <paramref name="current"/> to every open transaction that has no start version of <paramref name="path"/> yet.</summary>
    internal void KeepStartVersions(string path, XsNode? current)
    {
        foreach (XsTransaction tx in _openTransactions)
        {
            tx.KeepStartVersion(path, current);
        }
    }

    private void Drop(XsConnection conn)
    {
        _connections.Remove(conn);
        conn.Watches.Clear();
        CloseTransactions(conn);
        conn.Close();
    }

    private void Seed(string path, params string[] children)
    {
        _tree.Set(new XsNode(path, [], Dom0Only, [.. children], NextGeneration()));
    }
}
