using System.Collections.Immutable;
using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>Permission checks (docs/misc/xenstore.txt "Permissions"; core.c perm_for_conn).</summary>
public sealed partial class XenStoreCore
{
    /// <summary>SET_TARGET: a domain that may act on its target's nodes as the target would.</summary>
    private readonly Dictionary<DomId, DomId> _targets = [];

    /// <summary>
    /// What <paramref name="conn"/> may do with a node carrying
    /// <paramref name="perms"/>. Privileged callers and the owner (first
    /// entry) get everything; otherwise the first later entry naming the
    /// caller, its SET_TARGET target, or DOMID_ANY wins (C's first match;
    /// QEMU takes the last); otherwise the owner entry's letter is the default.
    /// </summary>
    private XsRights RightsFor(XsConnection conn, ImmutableArray<XsPermission> perms)
    {
        if (conn.IsPrivileged)
        {
            return XsRights.All;
        }

        DomId? target = _targets.TryGetValue(conn.DomId, out DomId t) ? t : null;
        if (perms[0].Domain == conn.DomId || perms[0].Domain == target)
        {
            return XsRights.All;
        }

        for (int i = 1; i < perms.Length; i++)
        {
            DomId named = perms[i].Domain;
            if (named == conn.DomId || named == target || named == DomId.Any)
            {
                return (XsRights)perms[i].Access;
            }
        }

        return (XsRights)perms[0].Access;
    }

    private bool CanRead(XsConnection conn, ImmutableArray<XsPermission> perms) =>
        !perms.IsDefault && (RightsFor(conn, perms) & XsRights.Read) != 0;

    /// <summary>
    /// Looks a node up and checks <paramref name="need"/> (core.c get_node).
    /// A missing node is ENOENT only if the nearest existing ancestor grants
    /// some of <paramref name="need"/>, else EACCES, so that a guest learns
    /// nothing about places it may not look (errno_from_parents).
    /// </summary>
    private Errno GetChecked(XsOp op, ReadOnlySpan<char> path, XsRights need, out XsNode? node)
    {
        node = op.Get(path);
        if (node is not null)
        {
            return (RightsFor(op.Conn, node.Perms) & need) == need ? Errno.Ok : Errno.EACCES;
        }

        XsNode? ancestor = null;
        ReadOnlySpan<char> current = path;
        while (ancestor is null && !current.SequenceEqual("/"))
        {
            current = XsPath.Parent(current);
            ancestor = op.Get(current);
        }

        return ancestor is not null && (RightsFor(op.Conn, ancestor.Perms) & need) != 0 ? Errno.ENOENT : Errno.EACCES;
    }

    /// <summary>The node-size quota (write_node_raw's ACC_NODESZ check), unprivileged callers only.</summary>
    private bool OverNodeSize(XsConnection conn, int accountedSize) =>
        !conn.IsPrivileged && accountedSize > _quotas.NodeSize;
}
