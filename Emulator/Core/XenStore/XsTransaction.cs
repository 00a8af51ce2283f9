namespace XvifSim.Emulator.XenStore;

/// <summary>
/// An open transaction, as C xenstored runs them (transaction.c): the
/// requests carrying its id act on <see cref="View"/>, the tree as it was at
/// TRANSACTION_START plus the transaction's own changes. Every node looked at
/// is remembered with the generation it had then (absent nodes included); a
/// commit fails with EAGAIN if any of them has changed in the main tree since,
/// and otherwise copies the modified nodes over. Nodes only a transaction
/// touched are not compared, so an unrelated outside write does not conflict.
/// Watch events wait in <see cref="Events"/> until a successful commit.
/// </summary>
internal sealed class XsTransaction(uint id, XsTree start)
{
    /// <summary>The generation recorded for a node that did not exist (C's NO_GENERATION).</summary>
    public const ulong NoGeneration = ulong.MaxValue;

    public uint Id { get; } = id;

    public XsTree Start { get; } = start;

    public XsTree View { get; set; } = start;

    /// <summary>Path to generation first seen, for the commit-time conflict check.</summary>
    public Dictionary<string, ulong> Reads { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths changed by the transaction, in first-change order.</summary>
    public List<string> Modified { get; } = [];

    public HashSet<string> ModifiedSet { get; } = new(StringComparer.Ordinal);

    /// <summary>Queued watch events, one per path (queue_watches: a subtree event replaces an exact one).</summary>
    public List<XsEvent> Events { get; } = [];

    public void RecordRead(string path, XsNode? node)
    {
        if (!ModifiedSet.Contains(path))
        {
            Reads.TryAdd(path, node?.Generation ?? NoGeneration);
        }
    }

    public void RecordModified(string path)
    {
        if (ModifiedSet.Add(path))
        {
            Modified.Add(path);
        }
    }

    public void Queue(XsEvent change)
    {
        int index = Events.FindIndex(e => e.Path == change.Path);
        if (index < 0)
        {
            Events.Add(change);
        }
        else if (!change.Exact)
        {
            Events[index] = Events[index] with { Exact = false };
        }
    }
}
