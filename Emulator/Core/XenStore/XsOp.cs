using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// The request being carried out under the core's lock: one object per core,
/// reset for each request (everything here happens under that lock), so a
/// request costs no bookkeeping objects. Changes go straight to the main
/// store or to the request's transaction, each remembered with what it
/// replaced, so that a request that fails part-way is rolled back and
/// changes nothing. Reads inside a transaction are recorded at once, as C's
/// access_node does, even if the request then fails.
/// </summary>
internal sealed class XsOp(XenStoreCore core)
{
    private readonly List<(string Path, bool Had, XsNode? Old)> _undo = [];

    public XsConnection Conn { get; private set; } = null!;

    public XsTransaction? Tx { get; private set; }

    public XsDelivery Delivery { get; private set; } = null!;

    /// <summary>Watch events of this request, fired (or queued in the transaction) if it succeeds.</summary>
    public List<XsEvent> Events { get; } = [];

    /// <summary>Paths this request changed in its transaction.</summary>
    public List<string> Modified { get; } = [];

    /// <summary>WATCH's first event, sent right after its OK (watch.c do_watch).</summary>
    public byte[]? FirstEvent { get; set; }

    public void Begin(XsConnection conn, XsTransaction? tx, XsDelivery delivery)
    {
        Conn = conn;
        Tx = tx;
        Delivery = delivery;
    }

    /// <summary>Forgets the request, so the next one starts clean and nothing it held stays reachable.</summary>
    public void End()
    {
        Conn = null!;
        Tx = null;
        Delivery = null!;
        Events.Clear();
        Modified.Clear();
        FirstEvent = null;
        _undo.Clear();
    }

    /// <summary>Looks a node up in the request's view, recording the read in its transaction.</summary>
    public XsNode? Get(ReadOnlySpan<char> path)
    {
        XsNode? node = Peek(path);
        Tx?.RecordRead(path, node);
        return node;
    }

    /// <summary>Looks a node up without recording a read (for a watch event's parent permissions).</summary>
    public XsNode? Peek(ReadOnlySpan<char> path) => Tx is { } tx ? tx.Get(path, core.Tree) : core.Tree.Get(path);

    /// <summary>Nodes <paramref name="domain"/> owns in the request's view.</summary>
    public int OwnedBy(DomId domain) => Tx is { } tx ? tx.OwnedBy(domain, core.Tree) : core.Tree.OwnedBy(domain);

    /// <summary>Stores a new node object with a fresh generation and returns it.</summary>
    public XsNode Put(XsNode node)
    {
        node.Stamp(core.NextGeneration());
        Change(node.Path, node);
        return node;
    }

    public void Remove(string path) => Change(path, null);

    /// <summary>
    /// WRITE's change of an existing node's value: in place when the node is
    /// in the main store, no open transaction keeps it, and this request has
    /// changed nothing else (so no rollback could need the old value);
    /// otherwise as a new node.
    /// </summary>
    public XsNode Write(XsNode node, ReadOnlySpan<byte> value)
    {
        if (Tx is null && _undo.Count == 0)
        {
            core.KeepStartVersions(node.Path, node);
            if (!node.Frozen)
            {
                node.Overwrite(value, core.NextGeneration());
                return node;
            }
        }

        return Put(node.WithValue(value));
    }

    /// <summary>Undoes this request's changes, newest first.</summary>
    public void Rollback()
    {
        for (int i = _undo.Count - 1; i >= 0; i--)
        {
            (string path, bool had, XsNode? old) = _undo[i];
            if (Tx is { } tx)
            {
                tx.Restore(path, had, old, core.Tree);
            }
            else
            {
                core.SetMain(path, old);
            }
        }

        _undo.Clear();
        Modified.Clear();
    }

    private void Change(string path, XsNode? node)
    {
        if (Tx is { } tx)
        {
            bool had = tx.TryGetChange(path, out XsNode? old);
            _undo.Add((path, had, old));
            tx.Set(path, node, core.Tree);
            Modified.Add(path);
        }
        else
        {
            _undo.Add((path, true, core.Tree.Get(path)));
            core.SetMain(path, node);
        }
    }
}
