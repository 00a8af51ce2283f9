using System.Collections.Immutable;
using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// One node, carrying its own absolute path (the tree's key, so a request
/// that found the node names it without building a string). Children are
/// kept in creation order, as C xenstored lists them. <see cref="Generation"/>
/// is C's per-node generation: the value of the global counter at the node's
/// last change (transaction.c), which transactions check for conflicts and
/// DIRECTORY_PART reports as gencnt.
/// <para>
/// Permissions and children are immutable: changing them makes a new node.
/// The value is the one thing changed in place, by <see cref="Overwrite"/>,
/// and only while the node is not <see cref="Frozen"/>: C xenstored's
/// write_node replaces a node's record in its database rather than keeping
/// the old one, and so does a WRITE here, into the same buffer when the new
/// value fits, unless an open transaction still needs the old version (see
/// <see cref="XsTransaction"/>).
/// </para>
/// </summary>
internal sealed class XsNode
{
    /// <summary>C's record header: generation u64, num_perms, datalen, childlen (padded).</summary>
    private const int RecordHeaderSize = 24;

    /// <summary>sizeof(struct xs_permissions).</summary>
    private const int PermissionRecordSize = 8;

    private byte[] _value;
    private int _valueLength;

    public XsNode(string path, ReadOnlySpan<byte> value, ImmutableArray<XsPermission> perms, ImmutableList<string> children, ulong generation)
    {
        Path = path;
        _value = value.ToArray();
        _valueLength = value.Length;
        Perms = perms;
        Children = children;
        ChildrenLength = LengthOf(children);
        Generation = generation;
    }

    /// <summary>The absolute path (or @ name) the node is stored under.</summary>
    public string Path { get; }

    /// <summary>The raw value; valid until the next change of this node.</summary>
    public ReadOnlyMemory<byte> Value => _value.AsMemory(0, _valueLength);

    public ImmutableArray<XsPermission> Perms { get; }

    public ImmutableList<string> Children { get; }

    /// <summary>Bytes of the child-name list: each name plus its NUL.</summary>
    public int ChildrenLength { get; }

    public ulong Generation { get; private set; }

    /// <summary>True once a transaction keeps this object as its view of the node: it never changes again.</summary>
    public bool Frozen { get; private set; }

    /// <summary>The first permission names the owner (docs/misc/xenstore.txt).</summary>
    public DomId Owner => Perms[0].Domain;

    /// <summary>The size C xenstored accounts against the node-size quota (calc_node_acc_size).</summary>
    public int AccountedSize => AccountedSizeWith(_valueLength);

    /// <summary><see cref="AccountedSize"/> if the value had <paramref name="valueLength"/> bytes.</summary>
    public int AccountedSizeWith(int valueLength) => RecordHeaderSize + (Perms.Length * PermissionRecordSize) + valueLength + ChildrenLength;

    public XsNode WithValue(ReadOnlySpan<byte> value) => new(Path, value, Perms, Children, Generation);

    public XsNode WithPerms(ImmutableArray<XsPermission> perms) => new(Path, Value.Span, perms, Children, Generation);

    public XsNode WithChildren(ImmutableList<string> children) => new(Path, Value.Span, Perms, children, Generation);

    /// <summary>Marks the node as kept by a transaction: from now on a change makes a new node.</summary>
    public void Freeze() => Frozen = true;

    /// <summary>A new generation for a node about to be stored (not yet visible to anyone else).</summary>
    public void Stamp(ulong generation) => Generation = generation;

    /// <summary>
    /// Stores <paramref name="value"/> in place with a new generation,
    /// reusing the value buffer when it is large enough, so rewriting a
    /// node (a xenbus state, a counter) leaves no garbage.
    /// </summary>
    public void Overwrite(ReadOnlySpan<byte> value, ulong generation)
    {
        if (Frozen)
        {
            throw new InvalidOperationException($"{Path} is kept by a transaction and must not change in place");
        }

        if (value.Length > _value.Length)
        {
            _value = new byte[value.Length];
        }

        value.CopyTo(_value);
        _valueLength = value.Length;
        Generation = generation;
    }

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

    private static int LengthOf(ImmutableList<string> children)
    {
        int length = 0;
        foreach (string child in children)
        {
            length += child.Length + 1;
        }

        return length;
    }
}
