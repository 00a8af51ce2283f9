using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// An open transaction (transaction.c). The requests carrying its id see the
/// store as it was at TRANSACTION_START plus the transaction's own changes:
/// the changes are kept here, and so is the start version of every node the
/// main store changed since (the core hands it over before each change,
/// <see cref="KeepStartVersion"/>), so the start snapshot costs nothing until
/// something changes, and a WRITE outside any transaction can reuse a node
/// no transaction holds. Every node looked at is remembered with the
/// generation it had then (absent nodes included); a commit fails with
/// EAGAIN if any of them has changed in the main store since, and otherwise
/// copies the modified nodes over. Nodes only a transaction touched are not
/// compared, so an unrelated outside write does not conflict. Watch events
/// wait in <see cref="Events"/> until a successful commit.
/// </summary>
internal sealed class XsTransaction
{
    /// <summary>The generation recorded for a node that did not exist (C's NO_GENERATION).</summary>
    public const ulong NoGeneration = ulong.MaxValue;

    /// <summary>The transaction's own changes; null: removed.</summary>
    private readonly Dictionary<string, XsNode?> _changes = new(StringComparer.Ordinal);

    /// <summary>The start version of nodes the main store changed since; null: absent at the start.</summary>
    private readonly Dictionary<string, XsNode?> _startVersions = new(StringComparer.Ordinal);

    /// <summary>Nodes each domain gained (or lost) in this transaction, for the node quota.</summary>
    private readonly Dictionary<DomId, int> _ownedDelta = [];

    private readonly Dictionary<string, XsNode?>.AlternateLookup<ReadOnlySpan<char>> _changesByChars;
    private readonly Dictionary<string, XsNode?>.AlternateLookup<ReadOnlySpan<char>> _startByChars;
    private readonly Dictionary<string, ulong>.AlternateLookup<ReadOnlySpan<char>> _readsByChars;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _modifiedByChars;

    public XsTransaction(uint id)
    {
        Id = id;
        _changesByChars = _changes.GetAlternateLookup<ReadOnlySpan<char>>();
        _startByChars = _startVersions.GetAlternateLookup<ReadOnlySpan<char>>();
        _readsByChars = Reads.GetAlternateLookup<ReadOnlySpan<char>>();
        _modifiedByChars = ModifiedSet.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public uint Id { get; }

    /// <summary>Path to generation first seen, for the commit-time conflict check.</summary>
    public Dictionary<string, ulong> Reads { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths changed by the transaction, in first-change order.</summary>
    public List<string> Modified { get; } = [];

    public HashSet<string> ModifiedSet { get; } = new(StringComparer.Ordinal);

    /// <summary>Queued watch events, one per path (queue_watches: a subtree event replaces an exact one).</summary>
    public List<XsEvent> Events { get; } = [];

    /// <summary>The node at <paramref name="path"/> as this transaction sees it.</summary>
    public XsNode? Get(ReadOnlySpan<char> path, XsTree main) =>
        _changesByChars.TryGetValue(path, out XsNode? changed) ? changed
        : _startByChars.TryGetValue(path, out XsNode? start) ? start
        : main.Get(path);

    /// <summary>The node this transaction itself stored at <paramref name="path"/> (null: removed), for the commit.</summary>
    public XsNode? Changed(string path) => _changes[path];

    /// <summary>
    /// Called before the main store changes <paramref name="path"/>: the
    /// first time, its node then (<paramref name="current"/>) is this
    /// transaction's start version, and is frozen so that nobody changes it
    /// in place.
    /// </summary>
    public void KeepStartVersion(string path, XsNode? current)
    {
        if (_startVersions.TryAdd(path, current))
        {
            current?.Freeze();
        }
    }

    /// <summary>
    /// Nodes <paramref name="domain"/> owns in this transaction's view: as at
    /// the start (the main store's count with the start versions put back)
    /// plus what the transaction added.
    /// </summary>
    public int OwnedBy(DomId domain, XsTree main)
    {
        int count = main.OwnedBy(domain);
        foreach ((string path, XsNode? start) in _startVersions)
        {
            count -= main.Get(path)?.Owner == domain ? 1 : 0;
            count += start?.Owner == domain ? 1 : 0;
        }

        return count + Added(domain);
    }

    /// <summary>Nodes the transaction added for <paramref name="domain"/> (C's acc_fix_domains at commit).</summary>
    public int Added(DomId domain) => _ownedDelta.GetValueOrDefault(domain);

    /// <summary>Whether the transaction has a change of its own at <paramref name="path"/>, and which.</summary>
    public bool TryGetChange(string path, out XsNode? node) => _changes.TryGetValue(path, out node);

    /// <summary>Stores (or, with null, removes) a node in the transaction's view.</summary>
    public void Set(string path, XsNode? node, XsTree main)
    {
        Count(Get(path, main), -1);
        _changes[path] = node;
        Count(node, +1);
    }

    /// <summary>Puts back what <see cref="TryGetChange"/> said, when a request fails part-way.</summary>
    public void Restore(string path, bool had, XsNode? old, XsTree main)
    {
        Count(Get(path, main), -1);
        if (had)
        {
            _changes[path] = old;
        }
        else
        {
            _changes.Remove(path);
        }

        Count(Get(path, main), +1);
    }

    public void RecordRead(ReadOnlySpan<char> path, XsNode? node)
    {
        if (!_modifiedByChars.Contains(path) && !_readsByChars.ContainsKey(path))
        {
            Reads.Add(node?.Path ?? path.ToString(), node?.Generation ?? NoGeneration);
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

    private void Count(XsNode? node, int delta)
    {
        if (node is not null)
        {
            _ownedDelta[node.Owner] = _ownedDelta.GetValueOrDefault(node.Owner) + delta;
        }
    }
}
