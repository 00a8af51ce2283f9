using System.Collections.Immutable;
using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// One node, immutable so that a transaction's snapshot is a reference to the
/// tree it started from. Children are kept in creation order, as C xenstored
/// lists them. <see cref="Generation"/> is C's per-node generation: the value
/// of the global counter at the node's last change (transaction.c), which
/// transactions check for conflicts and DIRECTORY_PART reports as gencnt.
/// </summary>
internal sealed record XsNode(byte[] Value, ImmutableArray<XsPermission> Perms, ImmutableList<string> Children, ulong Generation)
{
    /// <summary>C's record header: generation u64, num_perms, datalen, childlen (padded).</summary>
    private const int RecordHeaderSize = 24;

    /// <summary>sizeof(struct xs_permissions).</summary>
    private const int PermissionRecordSize = 8;

    /// <summary>The first permission names the owner (docs/misc/xenstore.txt).</summary>
    public DomId Owner => Perms[0].Domain;

    /// <summary>Bytes of the child-name list: each name plus its NUL.</summary>
    public int ChildrenLength
    {
        get
        {
            int length = 0;
            foreach (string child in Children)
            {
                length += child.Length + 1;
            }

            return length;
        }
    }

    /// <summary>The size C xenstored accounts against the node-size quota (calc_node_acc_size).</summary>
    public int AccountedSize => RecordHeaderSize + (Perms.Length * PermissionRecordSize) + Value.Length + ChildrenLength;

    /// <summary>The child names as the wire carries them: each followed by a NUL.</summary>
    public byte[] ChildrenBytes()
    {
        var bytes = new byte[ChildrenLength];
        int offset = 0;
        foreach (string child in Children)
        {
            offset += System.Text.Encoding.Latin1.GetBytes(child, bytes.AsSpan(offset));
            offset++;
        }

        return bytes;
    }
}
