using System.Text;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>WATCH, UNWATCH, RESET_WATCHES and the firing of watch events (watch.c).</summary>
public sealed partial class XenStoreCore
{
    /// <summary>
    /// WATCH <c>wpath|token|</c>, or with WATCHDEPTH <c>wpath|token|depth|</c>.
    /// tx_id is ignored (XS_FLAG_NOTID). The same (wpath, token) twice is
    /// EEXIST; over quota C answers E2BIG (watch.c do_watch). The OK is
    /// followed at once by one event naming wpath as given (relative if it
    /// was), which libxenstore, pyxs and Linux all wait for.
    /// </summary>
    private void ProcessWatch(XsRequest request, ReadOnlySpan<byte> payload)
    {
        int count = XsPayload.CountStrings(payload);
        Errno parsed = Errno.EINVAL;
        string path = string.Empty;
        bool relative = false;
        byte[] token = [];
        int? depth = null;
        if (count is 2 or 3)
        {
            parsed = XsPath.Canonicalize(XsPayload.RawString(payload, 0), request.Conn, _quotas, true, out path, out relative);
            token = XsPayload.RawString(payload, 1).ToArray();
            if (count == 3)
            {
                if (XsDecimal.TryParseUInt(XsPayload.String(payload, 2), out uint d) && d <= int.MaxValue)
                {
                    depth = (int)d;
                }
                else
                {
                    parsed = Errno.EINVAL;
                }
            }
        }

        Execute(request, XsTxMode.Ignore, false, op =>
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            XsConnection conn = op.Conn;
            if (FindWatch(conn, path, token) >= 0)
            {
                return XsReply.Fail(Errno.EEXIST);
            }

            // Counted per connection: an unprivileged domain has exactly one, its ring.
            if (!conn.IsPrivileged && conn.Watches.Count >= _quotas.Watches)
            {
                return XsReply.Fail(Errno.E2BIG);
            }

            var watch = new XsWatch(path, token, relative ? conn.HomePath.Length + 1 : 0, depth);
            conn.Watches.Add(watch);
            op.FirstEvent = EventPayload(watch.EventPath(path), token);
            return XsReply.Ok;
        });
    }

    /// <summary>UNWATCH <c>wpath|token|</c>: an exact match after resolving relative paths, else ENOENT.</summary>
    private void ProcessUnwatch(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = Errno.EINVAL;
        string path = string.Empty;
        byte[] token = [];
        if (XsPayload.CountStrings(payload) == 2)
        {
            parsed = XsPath.Canonicalize(XsPayload.RawString(payload, 0), request.Conn, _quotas, true, out path, out _);
            token = XsPayload.RawString(payload, 1).ToArray();
        }

        Execute(request, XsTxMode.Ignore, false, op =>
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            int index = FindWatch(op.Conn, path, token);
            if (index < 0)
            {
                return XsReply.Fail(Errno.ENOENT);
            }

            op.Conn.Watches.RemoveAt(index);
            return XsReply.Ok;
        });
    }

    /// <summary>RESET_WATCHES drops the connection's watches and its transactions too (core.c do_reset_watches).</summary>
    private XsReply ResetWatches(XsOp op)
    {
        op.Conn.Watches.Clear();
        CloseTransactions(op.Conn);
        return XsReply.Ok;
    }

    private static int FindWatch(XsConnection conn, string path, byte[] token) =>
        conn.Watches.FindIndex(w => w.Path == path && w.Token.AsSpan().SequenceEqual(token));

    /// <summary>
    /// Queues the events of committed changes: for each change, each
    /// connection allowed to hear of it, each of its watches that matches,
    /// in that order (watch.c fire_watches).
    /// </summary>
    private void Fire(List<XsEvent> changes, XsDelivery delivery)
    {
        foreach (XsEvent change in changes)
        {
            foreach (XsConnection conn in _connections)
            {
                if (!WatchPermitted(conn, change))
                {
                    continue;
                }

                foreach (XsWatch watch in conn.Watches)
                {
                    bool matches = change.Exact ? watch.Path == change.Path : watch.Covers(change.Path);
                    if (matches)
                    {
                        SendEvent(conn, watch.EventPath(change.Path), watch.Token, delivery);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The event of a special @ node (@introduceDomain, @releaseDomain): only
    /// watches set exactly on it, and only connections that are privileged
    /// or may read the node (watch.c/domain.c fire_special_watches).
    /// </summary>
    private XsEvent SpecialEvent(string name) =>
        new(name, Exact: true, _tree.Get(name)!.Perms, _tree.Get("/")!.Perms, default);

    /// <summary>
    /// watch.c watch_permitted: the watcher could read the node before the
    /// change (SET_PERMS), or can read it or its parent.
    /// </summary>
    private bool WatchPermitted(XsConnection conn, XsEvent change) =>
        conn.IsPrivileged
        || CanRead(conn, change.OldPerms)
        || CanRead(conn, change.NodePerms)
        || CanRead(conn, change.ParentPerms);

    /// <summary>Queues one WATCH_EVENT, formatted on the stack and copied once into the connection's queue.</summary>
    private static void SendEvent(XsConnection conn, ReadOnlySpan<char> path, byte[] token, XsDelivery delivery)
    {
        // core.c send_event: an event too long for the protocol is not sent.
        int length = EventLength(path, token);
        if (length <= XsLimits.PayloadMax)
        {
            Span<byte> payload = stackalloc byte[length];
            WriteEvent(payload, path, token);
            conn.Enqueue(XsdSockmsgType.WatchEvent, 0, 0, payload);
            delivery.Touch(conn);
        }
    }

    /// <summary>WATCH_EVENT's payload, <c>epath|token|</c>, for WATCH's first event.</summary>
    private static byte[] EventPayload(ReadOnlySpan<char> path, byte[] token)
    {
        var payload = new byte[EventLength(path, token)];
        WriteEvent(payload, path, token);
        return payload;
    }

    private static int EventLength(ReadOnlySpan<char> path, byte[] token) => path.Length + 1 + token.Length + 1;

    private static void WriteEvent(Span<byte> payload, ReadOnlySpan<char> path, byte[] token)
    {
        int at = Encoding.Latin1.GetBytes(path, payload);
        payload[at++] = 0;
        token.CopyTo(payload[at..]);
        payload[^1] = 0;
    }
}
