using System.Globalization;
using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>TRANSACTION_START and TRANSACTION_END (transaction.c).</summary>
public sealed partial class XenStoreCore
{
    /// <summary>
    /// TRANSACTION_START: must itself carry tx_id 0 (C answers EBUSY; no
    /// nesting). Over quota: ENOSPC. The payload (libxenstore sends <c>|</c>)
    /// is not looked at, as in C. The reply is the decimal id plus NUL.
    /// </summary>
    private XsReply StartTransaction(XsOp op)
    {
        XsConnection conn = op.Conn;
        if (op.Tx is not null)
        {
            return XsReply.Fail(Errno.EBUSY);
        }

        if (!conn.IsPrivileged && conn.Transactions.Count >= _quotas.Transactions)
        {
            return XsReply.Fail(Errno.ENOSPC);
        }

        uint id = conn.AllocateTransactionId();
        var tx = new XsTransaction(id);
        conn.Transactions.Add(id, tx);
        _openTransactions.Add(tx);
        return XsReply.Success(XsPayload.Terminated(id.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// TRANSACTION_END <c>T|</c> commits, <c>F|</c> aborts; anything else is
    /// EINVAL, and tx_id 0 is ENOENT (transaction.c do_transaction_end). The
    /// id is dead afterwards, whatever the outcome.
    /// </summary>
    private void ProcessTransactionEnd(XsRequest request, ReadOnlySpan<byte> payload)
    {
        string? arg = XsPayload.OneArg(payload);
        bool? commit = arg switch
        {
            "T" => true,
            "F" => false,
            _ => null,
        };

        Execute(request, XsTxMode.Use, false, op =>
        {
            if (commit is not bool doCommit)
            {
                return XsReply.Fail(Errno.EINVAL);
            }

            if (op.Tx is not XsTransaction tx)
            {
                return XsReply.Fail(Errno.ENOENT);
            }

            CloseTransaction(op.Conn, tx.Id);
            Errno result = doCommit ? Commit(op.Conn, tx, op.Delivery) : Errno.Ok;
            return result == Errno.Ok ? XsReply.Ok : XsReply.Fail(result);
        });
    }

    /// <summary>
    /// C xenstored's rule (transaction.c finalize_transaction): every node the
    /// transaction looked at must still have the generation it had then (a
    /// node that appeared or vanished counts as changed), else EAGAIN and
    /// nothing is applied. Then the modified nodes are copied into the main
    /// store with fresh generations, and the queued watch events fire. The
    /// transaction is closed already, so its nodes become the main store's.
    /// </summary>
    private Errno Commit(XsConnection conn, XsTransaction tx, XsDelivery delivery)
    {
        foreach ((string path, ulong generation) in tx.Reads)
        {
            if ((_tree.Get(path)?.Generation ?? XsTransaction.NoGeneration) != generation)
            {
                return Errno.EAGAIN;
            }
        }

        // The node quota over what the transaction added (C's acc_fix_domains at commit).
        int added = tx.Added(conn.DomId);
        if (!conn.IsPrivileged && added > 0 && _tree.OwnedBy(conn.DomId) + added > _quotas.Nodes)
        {
            return Errno.ENOSPC;
        }

        foreach (string path in tx.Modified)
        {
            XsNode? node = tx.Changed(path);
            node?.Stamp(NextGeneration());
            SetMain(path, node);
        }

        Fire(tx.Events, delivery);
        return Errno.Ok;
    }

    /// <summary>Ends one transaction of <paramref name="conn"/>, if open, without committing it.</summary>
    private void CloseTransaction(XsConnection conn, uint id)
    {
        if (conn.Transactions.Remove(id, out XsTransaction? tx))
        {
            _openTransactions.Remove(tx);
        }
    }

    /// <summary>Ends every transaction of <paramref name="conn"/> without committing (RESET_WATCHES, a reset or a closed connection).</summary>
    private void CloseTransactions(XsConnection conn)
    {
        foreach (XsTransaction tx in conn.Transactions.Values)
        {
            _openTransactions.Remove(tx);
        }

        conn.Transactions.Clear();
    }
}
