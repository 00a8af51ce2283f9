using System.Collections.Immutable;
using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// The whole store at one moment: nodes by absolute path (like C xenstored's
/// flat node database, special nodes such as @introduceDomain included) and
/// the number of nodes each domain owns, for the node quota. Immutable, so a
/// transaction keeps its start snapshot for free.
/// </summary>
internal sealed class XsTree
{
    public static readonly XsTree Empty = new(
        ImmutableDictionary.Create<string, XsNode>(StringComparer.Ordinal),
        ImmutableDictionary<DomId, int>.Empty);

    private XsTree(ImmutableDictionary<string, XsNode> nodes, ImmutableDictionary<DomId, int> owned)
    {
        Nodes = nodes;
        Owned = owned;
    }

    public ImmutableDictionary<string, XsNode> Nodes { get; }

    public ImmutableDictionary<DomId, int> Owned { get; }

    public XsNode? Get(string path) => Nodes.GetValueOrDefault(path);

    public int OwnedBy(DomId domain) => Owned.GetValueOrDefault(domain);

    /// <summary>Adds or replaces the node at <paramref name="path"/>, moving ownership counts.</summary>
    public XsTree With(string path, XsNode node)
    {
        ImmutableDictionary<DomId, int> owned = Owned;
        XsNode? old = Get(path);
        if (old is null || old.Owner != node.Owner)
        {
            if (old is not null)
            {
                owned = Adjust(owned, old.Owner, -1);
            }

            owned = Adjust(owned, node.Owner, +1);
        }

        return new XsTree(Nodes.SetItem(path, node), owned);
    }

    /// <summary>Removes the node at <paramref name="path"/> (not its children).</summary>
    public XsTree Without(string path)
    {
        XsNode? old = Get(path);
        return old is null ? this : new XsTree(Nodes.Remove(path), Adjust(Owned, old.Owner, -1));
    }

    private static ImmutableDictionary<DomId, int> Adjust(ImmutableDictionary<DomId, int> owned, DomId domain, int delta)
    {
        int count = owned.GetValueOrDefault(domain) + delta;
        return count == 0 ? owned.Remove(domain) : owned.SetItem(domain, count);
    }
}
