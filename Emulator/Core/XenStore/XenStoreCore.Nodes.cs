using System.Collections.Immutable;
using System.Globalization;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>The node operations but READ and WRITE (XenStoreCore.ReadWrite.cs): MKDIR, RM, DIRECTORY, DIRECTORY_PART, GET_PERMS, SET_PERMS.</summary>
public sealed partial class XenStoreCore
{
    /// <summary>MKDIR: like WRITE with an empty value, but an existing node is left alone, without an event.</summary>
    private void ProcessMkdir(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = ParseOnePath(request.Conn, payload, false, out string path);
        Execute(request, XsTxMode.Use, false, op =>
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            Errno error = GetChecked(op, path, XsRights.Write, out XsNode? node);
            if (error == Errno.ENOENT)
            {
                error = Create(op, path, [], out node);
                if (error == Errno.Ok)
                {
                    op.Events.Add(ChangeEvent(op, node!, default));
                }
            }

            return error == Errno.Ok ? XsReply.Ok : XsReply.Fail(error);
        });
    }

    /// <summary>
    /// RM: the node and its subtree. A missing node is fine if its parent
    /// exists, else ENOENT; RM / is EINVAL (core.c do_rm).
    /// </summary>
    private void ProcessRm(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = ParseOnePath(request.Conn, payload, false, out string path);
        Execute(request, XsTxMode.Use, false, op =>
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            Errno error = GetChecked(op, path, XsRights.Write, out XsNode? node);
            if (error == Errno.ENOENT)
            {
                return op.Get(XsPath.Parent(path)) is not null ? XsReply.Ok : XsReply.Fail(Errno.ENOENT);
            }

            if (error != Errno.Ok)
            {
                return XsReply.Fail(error);
            }

            if (path == "/")
            {
                return XsReply.Fail(Errno.EINVAL);
            }

            RemoveSubtree(op, node!);
            return XsReply.Ok;
        });
    }

    /// <summary>DIRECTORY: the child names, each with a NUL, in creation order as C lists them.</summary>
    private void ProcessDirectory(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = ParseOnePath(request.Conn, payload, false, out string path);
        Execute(request, XsTxMode.Use, false, op =>
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            Errno error = GetChecked(op, path, XsRights.Read, out XsNode? node);
            return error == Errno.Ok ? XsReply.Success(node!.ChildrenBytes()) : XsReply.Fail(error);
        });
    }

    /// <summary>
    /// DIRECTORY_PART <c>path|offset|</c> (core.c send_directory_part): the
    /// node's generation in decimal plus NUL, then the whole child names that
    /// fit from byte <c>offset</c> of the child list; the chunk that reaches
    /// the end gets one more NUL, and an offset at or past the end gives just
    /// <c>gencnt||</c>. libxenstore restarts when gencnt changes.
    /// </summary>
    private void ProcessDirectoryPart(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = Errno.EINVAL;
        string path = string.Empty;
        uint offset = 0;
        if (XsPayload.CountStrings(payload) == 2)
        {
            parsed = XsPath.Canonicalize(XsPayload.RawString(payload, 0), request.Conn, _quotas, false, out path, out _);
            if (parsed == Errno.Ok && !XsDecimal.TryParseUInt(XsPayload.String(payload, 1), out offset))
            {
                parsed = Errno.EINVAL;
            }
        }

        Execute(request, XsTxMode.Use, false, op =>
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            Errno error = GetChecked(op, path, XsRights.Read, out XsNode? node);
            return error == Errno.Ok ? XsReply.Success(DirectoryPart(node!, offset)) : XsReply.Fail(error);
        });
    }

    private void ProcessGetPerms(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = ParseOnePath(request.Conn, payload, true, out string path);
        Execute(request, XsTxMode.Use, false, op =>
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            Errno error = GetChecked(op, path, XsRights.Read, out XsNode? node);
            if (error != Errno.Ok)
            {
                return XsReply.Fail(error);
            }

            var reply = new List<byte>();
            foreach (XsPermission permission in node!.Perms)
            {
                reply.AddRange(XsPayload.Terminated(permission.ToString()));
            }

            return XsReply.Success(reply.ToArray());
        });
    }

    /// <summary>
    /// SET_PERMS <c>path|perm|…</c> (core.c do_set_perms), checked in C's
    /// order: at least one permission (EINVAL), the per-node quota (ENOSPC),
    /// each permission's form (EINVAL), the path, owner rights (EACCES), and
    /// that an unprivileged owner keeps the owner id (EPERM). The list is
    /// stored as given, not normalised.
    /// </summary>
    private void ProcessSetPerms(XsRequest request, ReadOnlySpan<byte> payload)
    {
        XsConnection conn = request.Conn;
        int count = XsPayload.CountStrings(payload) - 1;
        Errno parsed = Errno.Ok;
        string path = string.Empty;
        var perms = ImmutableArray.CreateBuilder<XsPermission>(Math.Max(count, 0));
        if (count < 1)
        {
            parsed = Errno.EINVAL;
        }
        else if (!conn.IsPrivileged && count > _quotas.PermsPerNode)
        {
            parsed = Errno.ENOSPC;
        }
        else
        {
            for (int i = 1; i <= count && parsed == Errno.Ok; i++)
            {
                if (XsPermission.TryParse(XsPayload.String(payload, i), out XsPermission permission))
                {
                    perms.Add(permission);
                }
                else
                {
                    parsed = Errno.EINVAL;
                }
            }

            if (parsed == Errno.Ok)
            {
                parsed = XsPath.Canonicalize(XsPayload.RawString(payload, 0), conn, _quotas, true, out path, out _);
            }
        }

        ImmutableArray<XsPermission> newPerms = parsed == Errno.Ok ? perms.MoveToImmutable() : default;
        Execute(request, XsTxMode.Use, false, op =>
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            Errno error = GetChecked(op, path, XsRights.Write | XsRights.Owner, out XsNode? node);
            if (error != Errno.Ok)
            {
                return XsReply.Fail(error);
            }

            if (!op.Conn.IsPrivileged && newPerms[0].Domain != node!.Owner)
            {
                return XsReply.Fail(Errno.EPERM);
            }

            XsNode changed = node!.WithPerms(newPerms);
            if (OverNodeSize(op.Conn, changed.AccountedSize))
            {
                return XsReply.Fail(Errno.ENOSPC);
            }

            XsNode stored = op.Put(changed);

            // Watchers that could read the node before the change hear of it too (watch.c).
            op.Events.Add(ChangeEvent(op, stored, node!.Perms));
            return XsReply.Ok;
        });
    }

    private Errno ParseOnePath(XsConnection conn, ReadOnlySpan<byte> payload, bool allowSpecial, out string path)
    {
        path = string.Empty;
        return XsPayload.TryOneArg(payload, out ReadOnlySpan<byte> arg)
            ? XsPath.Canonicalize(arg, conn, _quotas, allowSpecial, out path, out _)
            : Errno.EINVAL;
    }

    /// <summary>
    /// Creates <paramref name="path"/> and any missing parents (core.c
    /// construct_node/create_node). A new node copies its parent's permission
    /// list; if an unprivileged domain creates it, that domain takes the owner
    /// slot and the default letter stays (C; QEMU keeps the parent's owner).
    /// Each new node counts against the creator's node quota, and every node
    /// written against the node-size quota. A failure part-way is rolled
    /// back with the rest of the request.
    /// </summary>
    private Errno Create(XsOp op, string path, ReadOnlySpan<byte> value, out XsNode? created)
    {
        created = null;
        var missing = new List<string> { path };
        string parentPath = XsPath.Parent(path);
        XsNode? parent = op.Get(parentPath);
        while (parent is null)
        {
            missing.Add(parentPath);
            parentPath = XsPath.Parent(parentPath);
            parent = op.Get(parentPath);
        }

        for (int i = missing.Count - 1; i >= 0; i--)
        {
            string name = missing[i];
            if (!op.Conn.IsPrivileged && op.OwnedBy(op.Conn.DomId) >= _quotas.Nodes)
            {
                return Errno.ENOSPC;
            }

            XsNode withChild = parent.WithChildren(parent.Children.Add(XsPath.BaseName(name)));
            ImmutableArray<XsPermission> perms = op.Conn.IsPrivileged
                ? parent.Perms
                : parent.Perms.SetItem(0, parent.Perms[0] with { Domain = op.Conn.DomId });
            var child = new XsNode(name, i == 0 ? value : [], perms, [], 0);
            if (OverNodeSize(op.Conn, withChild.AccountedSize) || OverNodeSize(op.Conn, child.AccountedSize))
            {
                return Errno.ENOSPC;
            }

            op.Put(withChild);
            parent = op.Put(child);
        }

        created = parent;
        return Errno.Ok;
    }

    /// <summary>
    /// Deletes a subtree and unlinks it from its parent. Events run deepest
    /// first (core.c walk_node_tree's exit order): each descendant fires only
    /// the watches set exactly on it, and the top node fires the watches on
    /// itself and its ancestors, so every watch sees the least specific path
    /// that concerns it.
    /// </summary>
    private static void RemoveSubtree(XsOp op, XsNode node)
    {
        XsNode parent = op.Get(XsPath.Parent(node.Path.AsSpan()))!;
        RemoveRecursive(op, node, parent.Perms, top: true);
        op.Put(parent.WithChildren(parent.Children.Remove(XsPath.BaseName(node.Path))));
    }

    private static void RemoveRecursive(XsOp op, XsNode node, ImmutableArray<XsPermission> parentPerms, bool top)
    {
        foreach (string child in node.Children)
        {
            if (op.Get(XsPath.Child(node.Path, child)) is XsNode childNode)
            {
                RemoveRecursive(op, childNode, node.Perms, top: false);
            }
        }

        op.Events.Add(new XsEvent(node.Path, Exact: !top, node.Perms, parentPerms, default));
        op.Remove(node.Path);
    }

    private static XsEvent ChangeEvent(XsOp op, XsNode node, ImmutableArray<XsPermission> oldPerms) =>
        new(node.Path, Exact: false, node.Perms, op.Peek(XsPath.Parent(node.Path.AsSpan()))?.Perms ?? default, oldPerms);

    private static byte[] DirectoryPart(XsNode node, uint offset)
    {
        byte[] children = node.ChildrenBytes();
        byte[] gen = XsPayload.Terminated(node.Generation.ToString(CultureInfo.InvariantCulture));
        if (offset >= children.Length)
        {
            return [.. gen, 0];
        }

        int start = (int)offset;
        int length = 0;
        int max = XsLimits.PayloadMax - gen.Length - 1;
        while (true)
        {
            int name = Array.IndexOf(children, (byte)0, start + length) - (start + length);
            if (length + name >= max)
            {
                break;
            }

            length += name + 1;
            if (start + length == children.Length)
            {
                break;
            }
        }

        bool last = start + length == children.Length;
        var reply = new byte[gen.Length + length + (last ? 1 : 0)];
        gen.CopyTo(reply, 0);
        children.AsSpan(start, length).CopyTo(reply.AsSpan(gen.Length));
        return reply;
    }
}
