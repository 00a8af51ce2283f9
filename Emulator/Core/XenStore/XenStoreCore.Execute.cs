using System.Text;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// Carrying out one request: validate, lock, act, then deliver after the
/// lock (docs/design.md, "How the code is written"), with the request's
/// changes rolled back if it fails and its reply copied into the
/// connection's queue before the lock is released.
/// </summary>
public sealed partial class XenStoreCore
{
    /// <summary>Runs a request whose locked part is a delegate.</summary>
    private void Execute(XsRequest request, XsTxMode mode, bool privilegedOnly, Func<XsOp, XsReply> handler)
    {
        var wrapped = new XsFuncHandler(handler);
        Execute(request, mode, privilegedOnly, ref wrapped);
    }

    /// <summary>
    /// Runs one request: privilege check (EACCES), tx_id lookup (ENOENT), the
    /// handler, then, on success, its watch events (or their queueing in the
    /// transaction), the reply and WATCH's first event, in the order C
    /// xenstored queues them; on failure the handler's changes are rolled
    /// back. Delivery happens after the lock.
    /// </summary>
    private void Execute<THandler>(XsRequest request, XsTxMode mode, bool privilegedOnly, scoped ref THandler handler)
        where THandler : IXsHandler, allows ref struct
    {
        XsConnection conn = request.Conn;
        XsDelivery delivery = XsDelivery.Rent();
        lock (_lock)
        {
            if (!conn.IsClosed)
            {
                Run(request, mode, privilegedOnly, ref handler, delivery);
            }
        }

        delivery.Flush();
    }

    private void Run<THandler>(XsRequest request, XsTxMode mode, bool privilegedOnly, scoped ref THandler handler, XsDelivery delivery)
        where THandler : IXsHandler, allows ref struct
    {
        XsConnection conn = request.Conn;
        XsReply reply;
        byte[]? firstEvent = null;
        if (privilegedOnly && !conn.IsPrivileged)
        {
            reply = XsReply.Fail(Errno.EACCES);
        }
        else if (mode != XsTxMode.Ignore && request.TxId != 0 && !conn.Transactions.ContainsKey(request.TxId))
        {
            reply = XsReply.Fail(Errno.ENOENT);
        }
        else
        {
            XsTransaction? tx = mode == XsTxMode.Use && request.TxId != 0 ? conn.Transactions[request.TxId] : null;
            reply = RunOp(conn, tx, delivery, ref handler, out firstEvent);
            if (reply.Error == Errno.Ok && reply.Payload.Length > XsLimits.PayloadMax)
            {
                // core.c send_reply: a reply too long for the protocol.
                reply = XsReply.Fail(Errno.E2BIG);
            }
        }

        // The reply is copied into the queue here, under the lock, before
        // any later request can change the node whose value it may be.
        SendReply(request, reply, delivery);
        if (firstEvent is not null)
        {
            conn.Enqueue(XsdSockmsgType.WatchEvent, 0, 0, firstEvent);
        }
    }

    /// <summary>Runs a direct call of the hypervisor or toolstack as the privileged host.</summary>
    private Errno ExecuteHost(Func<XsOp, XsReply> handler)
    {
        XsDelivery delivery = XsDelivery.Rent();
        Errno result;
        lock (_lock)
        {
            var wrapped = new XsFuncHandler(handler);
            result = RunOp(_host, null, delivery, ref wrapped, out _).Error;
        }

        delivery.Flush();
        return result;
    }

    /// <summary>Makes a successful request's changes count: recorded in its transaction, or in the main store with events fired.</summary>
    private void Apply(XsOp op)
    {
        if (op.Tx is XsTransaction tx)
        {
            foreach (string path in op.Modified)
            {
                tx.RecordModified(path);
            }

            foreach (XsEvent change in op.Events)
            {
                tx.Queue(change);
            }
        }
        else
        {
            Fire(op.Events, op.Delivery);
        }
    }

    private static void SendReply(XsRequest request, XsReply reply, XsDelivery delivery)
    {
        if (reply.Error == Errno.Ok)
        {
            request.Conn.Enqueue(request.Type, request.ReqId, request.TxId, reply.Payload.Span);
        }
        else
        {
            // xs_wire.h: errors travel as the errno name plus NUL, req_id and tx_id echoed.
            string name = XsErrors.NameOf(reply.Error);
            Span<byte> payload = stackalloc byte[name.Length + 1];
            payload[Encoding.Latin1.GetBytes(name, payload)] = 0;
            request.Conn.Enqueue(XsdSockmsgType.Error, request.ReqId, request.TxId, payload);
        }

        delivery.Touch(request.Conn);
    }

    /// <summary>
    /// Runs <paramref name="handler"/> as one op on the store: its changes
    /// are applied if it succeeds (with the watch event WATCH queues first),
    /// rolled back if it fails, and rolled back if it throws, a broken
    /// invariant, so the store is left as it was before the request.
    /// </summary>
    private XsReply RunOp<THandler>(XsConnection conn, XsTransaction? tx, XsDelivery delivery, scoped ref THandler handler, out byte[]? firstEvent)
        where THandler : IXsHandler, allows ref struct
    {
        _op.Begin(conn, tx, delivery);
        try
        {
            XsReply reply = handler.Run(_op);
            if (reply.Error == Errno.Ok)
            {
                Apply(_op);
                firstEvent = _op.FirstEvent;
            }
            else
            {
                _op.Rollback();
                firstEvent = null;
            }

            return reply;
        }
        catch
        {
            _op.Rollback();
            throw;
        }
        finally
        {
            _op.End();
        }
    }
}
