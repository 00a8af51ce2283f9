using XvifSim.Public;

namespace XvifSim.Guest.Net;

/// <summary>
/// A frame in pages of its domain's own RAM: NetBSD's mbuf chain, as
/// segments of (gfn, offset, length). Frames the stack builds sit in 2048-byte
/// clusters (MCLBYTES, two a page) chained for frames larger than one; a
/// frame xennet received is the RX page (or pages) the backend copied into.
/// The drivers grant and grant-copy these pages directly, so a frame's bytes
/// are never copied between the stack and the ring.
/// <para>
/// Reference-counted where one frame goes several ways (NetBSD copies the
/// mbuf header with m_copym and shares the cluster; here the holders share
/// the buffer): <see cref="Hold"/> takes a reference, <see cref="Free"/>
/// drops one, and the last <see cref="Free"/> gives the pages back to the
/// pool. Who owns a reference: NetworkInterface.Send and INetDriver.Output
/// consume the caller's; a FrameHandler and a capture tap only borrow the
/// buffer for the call and <see cref="Hold"/> it to keep it. A buffer that
/// is shared (<see cref="RefCount"/> above one) is not written. Used only on
/// its domain's vCPU.
/// </para>
/// </summary>
public sealed class PacketBuffer
{
    /// <summary>The longest chain: XEN_NETIF_NR_SLOTS_MIN (18), the most slots either driver takes for one frame.</summary>
    public const int MaxSegments = Public.Netif.Netif.NrSlotsMin;

    private readonly PacketPool _pool;
    private readonly Gfn[] _gfns = new Gfn[MaxSegments];
    private readonly int[] _offsets = new int[MaxSegments];
    private readonly int[] _lengths = new int[MaxSegments];
    private readonly PacketStorage[] _storage = new PacketStorage[MaxSegments];

    internal PacketBuffer(PacketPool pool) => _pool = pool;

    /// <summary>The frame's length in bytes (m_pkthdr.len).</summary>
    public int Length { get; private set; }

    /// <summary>How many segments the chain has.</summary>
    public int SegmentCount { get; private set; }

    /// <summary>References held; 0 once the buffer is back in the pool.</summary>
    public int RefCount { get; private set; }

    /// <summary>Segment <paramref name="index"/>: its page, offset and length.</summary>
    public PacketSegment Segment(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)SegmentCount, nameof(index));
        return new PacketSegment(_gfns[index], _offsets[index], _lengths[index]);
    }

    /// <summary>The bytes of segment <paramref name="index"/>, in place.</summary>
    public Span<byte> Data(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)SegmentCount, nameof(index));
        return _pool.Bytes(_gfns[index]).Slice(_offsets[index], _lengths[index]);
    }

    /// <summary>
    /// The first <paramref name="length"/> bytes of the frame in place, if
    /// the first segment holds them (what m_pullup guarantees in NetBSD);
    /// false when they span segments (the stack counts and drops such a frame).
    /// </summary>
    public bool TryHead(int length, out Span<byte> head)
    {
        if (SegmentCount == 0 || length > _lengths[0])
        {
            head = default;
            return false;
        }

        head = Data(0)[..length];
        return true;
    }

    /// <summary>Takes another reference (a second holder: a bridge port, a queue, a held ARP datagram).</summary>
    public void Hold()
    {
        if (RefCount <= 0)
        {
            throw new InvalidOperationException("a freed packet buffer cannot be held");
        }

        RefCount++;
    }

    /// <summary>Drops a reference; the last one gives the pages back to the pool (m_freem).</summary>
    public void Free()
    {
        if (RefCount <= 0)
        {
            throw new InvalidOperationException("packet buffer freed twice");
        }

        if (--RefCount == 0)
        {
            for (int i = 0; i < SegmentCount; i++)
            {
                _pool.ReturnStorage(_gfns[i], _offsets[i], _storage[i]);
            }

            SegmentCount = 0;
            Length = 0;
            _pool.ReturnBuffer(this);
        }
    }

    /// <summary>
    /// Writes <paramref name="source"/> into the frame at <paramref name="offset"/>,
    /// across segments (m_copyback): the one place bytes from outside enter a
    /// buffer (a datagram's payload, a test's or a replayed frame), counted in
    /// <see cref="PacketPool.BytesCopiedIn"/>.
    /// </summary>
    public void CopyFrom(int offset, ReadOnlySpan<byte> source)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + source.Length, Length);
        EnsureWritable();
        _pool.BytesCopiedIn += source.Length;
        Locate(offset, out int segment, out int skip);
        for (int at = 0; at < source.Length; segment++, skip = 0)
        {
            Span<byte> piece = Data(segment)[skip..];
            piece = piece[..Math.Min(piece.Length, source.Length - at)];
            source.Slice(at, piece.Length).CopyTo(piece);
            at += piece.Length;
        }
    }

    /// <summary>
    /// Reads <paramref name="destination"/>.Length bytes of the frame from
    /// <paramref name="offset"/> out of the buffer (m_copydata): a reader
    /// that needs the bytes contiguous (a capture tap given a chain, a
    /// socket's reader). Counted in <see cref="PacketPool.BytesCopiedOut"/>.
    /// </summary>
    public void CopyTo(int offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, Length);
        _pool.BytesCopiedOut += destination.Length;
        Locate(offset, out int segment, out int skip);
        for (int at = 0; at < destination.Length; segment++, skip = 0)
        {
            Span<byte> piece = Data(segment)[skip..];
            piece = piece[..Math.Min(piece.Length, destination.Length - at)];
            piece.CopyTo(destination.Slice(at, piece.Length));
            at += piece.Length;
        }
    }

    /// <summary>
    /// The frame's bytes contiguous: the first segment in place when it holds
    /// the whole frame, else gathered into <paramref name="scratch"/> (which
    /// must hold <see cref="Length"/> bytes).
    /// </summary>
    public ReadOnlySpan<byte> Contiguous(Span<byte> scratch)
    {
        if (SegmentCount == 1)
        {
            return Data(0);
        }

        Span<byte> gathered = scratch[..Length];
        CopyTo(0, gathered);
        return gathered;
    }

    /// <summary>
    /// Adds <paramref name="length"/> bytes from <paramref name="offset"/> to
    /// an Internet checksum sum across segments: a piece that starts at an odd
    /// position of the frame has its sum byte-swapped (RFC 1071 section 2, byte
    /// order independence), as NetBSD's in_cksum walks an mbuf chain.
    /// </summary>
    public uint Checksum(uint sum, int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length, Length);
        uint total = sum;
        int position = 0;
        Locate(offset, out int segment, out int skip);
        while (position < length)
        {
            Span<byte> piece = Data(segment)[skip..];
            piece = piece[..Math.Min(piece.Length, length - position)];
            uint part = InternetChecksum.Add(0, piece);
            total += position % 2 == 0 ? part : ((part >> 8) | (part << 8)) & 0xFFFF;
            position += piece.Length;
            skip = 0;
            segment++;
        }

        return InternetChecksum.Fold(total);
    }

    /// <summary>A copy of the frame's bytes (for tests and diagnostics, not the data path).</summary>
    public byte[] ToArray()
    {
        byte[] bytes = new byte[Length];
        int at = 0;
        for (int i = 0; i < SegmentCount; i++)
        {
            Data(i).CopyTo(bytes.AsSpan(at));
            at += _lengths[i];
        }

        return bytes;
    }

    /// <summary>Adds a segment the buffer owns (the pool builds chains with this).</summary>
    internal void Append(Gfn gfn, int offset, int length, PacketStorage storage)
    {
        _gfns[SegmentCount] = gfn;
        _offsets[SegmentCount] = offset;
        _lengths[SegmentCount] = length;
        _storage[SegmentCount] = storage;
        SegmentCount++;
        Length += length;
    }

    /// <summary>Hands a buffer out of the pool with one reference.</summary>
    internal void Take() => RefCount = 1;

    private void EnsureWritable()
    {
        if (RefCount != 1)
        {
            throw new InvalidOperationException($"a packet buffer held {RefCount} times is not written");
        }
    }

    /// <summary>The segment holding byte <paramref name="offset"/> of the frame, and where in it.</summary>
    private void Locate(int offset, out int segment, out int skip)
    {
        segment = 0;
        skip = offset;
        while (segment < SegmentCount - 1 && skip >= _lengths[segment])
        {
            skip -= _lengths[segment++];
        }
    }
}
