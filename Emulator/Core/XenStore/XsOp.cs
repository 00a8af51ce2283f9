namespace XvifSim.Emulator.XenStore;

/// <summary>
/// One request being carried out under the core's lock. It works on its own
/// copy of the tree reference (the main tree, or its transaction's view), so a
/// request that fails part-way changes nothing. Reads inside a transaction are
/// recorded at once, as C's access_node does, even if the request then fails.
/// </summary>
internal sealed class XsOp(XenStoreCore core, XsConnection conn, XsTransaction? tx, XsTree tree, XsDelivery delivery)
{
    public XsConnection Conn { get; } = conn;

    public XsTransaction? Tx { get; } = tx;

    public XsTree Tree { get; private set; } = tree;

    public XsDelivery Delivery { get; } = delivery;

    /// <summary>Watch events of this request, fired (or queued in the transaction) if it succeeds.</summary>
    public List<XsEvent> Events { get; } = [];

    /// <summary>Paths this request changed.</summary>
    public List<string> Modified { get; } = [];

    /// <summary>WATCH's first event, sent right after its OK (watch.c do_watch).</summary>
    public byte[]? FirstEvent { get; set; }

    public XsNode? Get(string path)
    {
        XsNode? node = Tree.Get(path);
        Tx?.RecordRead(path, node);
        return node;
    }

    /// <summary>Stores <paramref name="node"/> with a fresh generation and returns it as stored.</summary>
    public XsNode Put(string path, XsNode node)
    {
        XsNode stored = node with { Generation = core.NextGeneration() };
        Tree = Tree.With(path, stored);
        Modified.Add(path);
        return stored;
    }

    public void Remove(string path)
    {
        Tree = Tree.Without(path);
        Modified.Add(path);
    }
}
