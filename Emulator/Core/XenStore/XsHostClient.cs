using System.Collections.Concurrent;
using System.Text;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// A synchronous, privileged in-process client of the store: what the
/// toolstack in dom0 uses (libxl's xs_* calls) to lay out domains and
/// devices. It speaks the same messages as any client, through the core.
/// </summary>
public sealed class XsHostClient : IDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly XenStoreCore _core;
    private readonly XsConnection _connection;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<(XsdSockmsgType, byte[])>> _pending = new();
    private int _nextReqId;

    /// <summary>A privileged (dom0) connection straight to <paramref name="core"/>, for the host's own tools.</summary>
    public XsHostClient(XenStoreCore core)
    {
        _core = core;
        _connection = core.Connect(DomId.Dom0, privileged: true, OnMessage, Public.Trace.TraceXsTransport.Toolstack);
    }

    /// <summary>The client's connection, by which a fault plan tells its own requests from those it may strike.</summary>
    public XsConnection Connection => _connection;

    /// <summary>
    /// How many times <see cref="RunTransaction"/> redoes a transaction that
    /// failed to commit with EAGAIN. libxl retries without bound; a bound
    /// turns a livelock into an error (test-xenstore stops at 100 too).
    /// </summary>
    public const int MaxTransactionAttempts = 100;

    /// <summary>WRITE; with <paramref name="txId"/> other than 0, inside that transaction.</summary>
    public Errno Write(string path, string value, uint txId = 0) =>
        Call(XsdSockmsgType.Write, [.. Strings(path), .. Encoding.Latin1.GetBytes(value)], txId).Error;

    /// <summary>XS_MKDIR; Ok or the errno.</summary>
    public Errno Mkdir(string path, uint txId = 0) => Call(XsdSockmsgType.Mkdir, Strings(path), txId).Error;

    /// <summary>XS_RM of <paramref name="path"/> and its subtree; Ok or the errno.</summary>
    public Errno Rm(string path, uint txId = 0) => Call(XsdSockmsgType.Rm, Strings(path), txId).Error;

    /// <summary>SET_PERMS with permissions such as "n0", "r3": the first names the owner and the default.</summary>
    public Errno SetPerms(string path, params string[] perms) => SetPerms(0, path, perms);

    /// <summary>SET_PERMS inside transaction <paramref name="txId"/> (0: none).</summary>
    public Errno SetPerms(uint txId, string path, params string[] perms) =>
        Call(XsdSockmsgType.SetPerms, Strings([path, .. perms]), txId).Error;

    /// <summary>GET_PERMS: the permission strings ("n0", "r3", ...), owner first.</summary>
    public Errno GetPerms(string path, out IReadOnlyList<string> perms, uint txId = 0)
    {
        (Errno error, byte[] payload) = Call(XsdSockmsgType.GetPerms, Strings(path), txId);
        perms = error == Errno.Ok ? SplitStrings(payload) : [];
        return error;
    }

    /// <summary>XS_READ into <paramref name="value"/> (empty on failure); Ok or the errno.</summary>
    public Errno Read(string path, out string value, uint txId = 0)
    {
        (Errno error, byte[] payload) = Call(XsdSockmsgType.Read, Strings(path), txId);
        value = error == Errno.Ok ? Encoding.Latin1.GetString(payload) : "";
        return error;
    }

    /// <summary>XS_DIRECTORY into <paramref name="children"/> (empty on failure); Ok or the errno.</summary>
    public Errno Directory(string path, out IReadOnlyList<string> children, uint txId = 0)
    {
        (Errno error, byte[] payload) = Call(XsdSockmsgType.Directory, Strings(path), txId);
        children = error == Errno.Ok ? SplitStrings(payload) : [];
        return error;
    }

    /// <summary>
    /// TRANSACTION_START (payload "\0", sent with tx_id 0 as the protocol
    /// requires); the reply is the new id in decimal (docs/reference/xenstore.md, "Transactions").
    /// </summary>
    public Errno TransactionStart(out uint txId)
    {
        (Errno error, byte[] payload) = Call(XsdSockmsgType.TransactionStart, Strings(""), 0);
        txId = 0;
        if (error != Errno.Ok)
        {
            return error;
        }

        return XsDecimal.TryParseUInt(Encoding.ASCII.GetString(payload).TrimEnd('\0'), out txId) ? Errno.Ok : Errno.EIO;
    }

    /// <summary>TRANSACTION_END "T" commits (EAGAIN if it conflicted, and nothing is applied), "F" discards.</summary>
    public Errno TransactionEnd(uint txId, bool commit) =>
        Call(XsdSockmsgType.TransactionEnd, Strings(commit ? "T" : "F"), txId).Error;

    /// <summary>
    /// Runs <paramref name="body"/> in a transaction and commits it, redoing
    /// the whole body when the commit answers EAGAIN, as libxl and the
    /// libxenstore tools do (docs/reference/xenstore.md, "Transactions"). If the body fails, the
    /// transaction is discarded and its error returned. After
    /// <see cref="MaxTransactionAttempts"/> conflicts the answer is EAGAIN.
    /// </summary>
    public Errno RunTransaction(Func<uint, Errno> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        for (int attempt = 0; attempt < MaxTransactionAttempts; attempt++)
        {
            Errno error = TransactionStart(out uint txId);
            if (error != Errno.Ok)
            {
                return error;
            }

            error = body(txId);
            if (error != Errno.Ok)
            {
                TransactionEnd(txId, commit: false);
                return error;
            }

            error = TransactionEnd(txId, commit: true);
            if (error != Errno.EAGAIN)
            {
                return error;
            }
        }

        return Errno.EAGAIN;
    }

    /// <summary>Closes the connection, dropping its watches and transactions.</summary>
    public void Dispose() => _core.Disconnect(_connection);

    private (Errno Error, byte[] Payload) Call(XsdSockmsgType type, byte[] payload, uint txId)
    {
        uint reqId = (uint)Interlocked.Increment(ref _nextReqId);
        var reply = new TaskCompletionSource<(XsdSockmsgType, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[reqId] = reply;
        _core.Process(_connection, type, reqId, txId, payload);
        if (!reply.Task.Wait(ReplyTimeout))
        {
            throw new TimeoutException($"xenstore {type}: no reply in {ReplyTimeout.TotalSeconds} s");
        }

        (XsdSockmsgType replyType, byte[] body) = reply.Task.Result;
        if (replyType != XsdSockmsgType.Error)
        {
            return (Errno.Ok, body);
        }

        XsErrors.TryParse(Encoding.ASCII.GetString(body).TrimEnd('\0'), out Errno error);
        return (error, body);
    }

    private void OnMessage(XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload)
    {
        if (type != XsdSockmsgType.WatchEvent && _pending.TryRemove(reqId, out var reply))
        {
            reply.SetResult((type, payload.ToArray()));
        }
    }

    private static IReadOnlyList<string> SplitStrings(byte[] payload)
    {
        string text = Encoding.Latin1.GetString(payload).TrimEnd('\0');
        return text.Length > 0 ? text.Split('\0') : [];
    }

    private static byte[] Strings(params string[] parts)
    {
        var bytes = new List<byte>();
        foreach (string part in parts)
        {
            bytes.AddRange(Encoding.Latin1.GetBytes(part));
            bytes.Add(0);
        }

        return [.. bytes];
    }
}
