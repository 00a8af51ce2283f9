using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// The live store: nodes by absolute path (like C xenstored's flat node
/// database, special nodes such as @introduceDomain included) and the number
/// of nodes each domain owns, for the node quota. Changed only under the
/// core's lock. Lookups take the path as characters, so a request looks its
/// node up straight from the bytes it carried, without making a string.
/// Open transactions see their start version through <see cref="XsTransaction"/>,
/// which the core keeps up to date before every change made here.
/// </summary>
internal sealed class XsTree
{
    private readonly Dictionary<string, XsNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, XsNode>.AlternateLookup<ReadOnlySpan<char>> _byChars;
    private readonly Dictionary<DomId, int> _owned = [];

    public XsTree()
    {
        _byChars = _nodes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public XsNode? Get(ReadOnlySpan<char> path) => _byChars.TryGetValue(path, out XsNode? node) ? node : null;

    public int OwnedBy(DomId domain) => _owned.GetValueOrDefault(domain);

    /// <summary>Every node, copied, so that the caller may change the tree while it walks them.</summary>
    public List<XsNode> Snapshot() => [.. _nodes.Values];

    /// <summary>Adds or replaces the node at its path, moving ownership counts.</summary>
    public void Set(XsNode node)
    {
        XsNode? old = Get(node.Path);
        if (old is null || old.Owner != node.Owner)
        {
            if (old is not null)
            {
                Adjust(old.Owner, -1);
            }

            Adjust(node.Owner, +1);
        }

        _nodes[node.Path] = node;
    }

    /// <summary>Removes the node at <paramref name="path"/> (not its children).</summary>
    public void Remove(string path)
    {
        if (_nodes.Remove(path, out XsNode? old))
        {
            Adjust(old.Owner, -1);
        }
    }

    private void Adjust(DomId domain, int delta)
    {
        int count = _owned.GetValueOrDefault(domain) + delta;
        if (count == 0)
        {
            _owned.Remove(domain);
        }
        else
        {
            _owned[domain] = count;
        }
    }
}
