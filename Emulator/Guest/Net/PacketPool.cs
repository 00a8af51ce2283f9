using XvifSim.Guest.Memory;
using XvifSim.Public;
using XvifSim.Public.Memory;

namespace XvifSim.Guest.Net;

/// <summary>
/// One domain's packet buffers (NetBSD's mbuf and mbuf-cluster pools): the
/// <see cref="PacketBuffer"/> objects and the pages of the domain's RAM their
/// data lives in, taken from the domain's <see cref="PageAllocator"/> as the
/// pool grows and kept for reuse, so a steady stream allocates nothing. A page
/// serves as two 2048-byte clusters (MCLBYTES) for frames the stack or a
/// backend builds, or whole as an RX buffer a frontend posts.
/// <para>
/// The pool holds at most <see cref="MaxPages"/> pages: beyond that, or when
/// the domain's RAM runs out, an allocation fails, the caller drops the
/// frame and counts it, and the pool counts the failure
/// (<see cref="PoolExhausted"/>, <see cref="RamExhausted"/>), as NetBSD's
/// m_get failing under M_DONTWAIT is a counted drop, never a panic. Pages
/// stay in the pool once taken, until <see cref="Reclaim"/> gives the unused
/// ones back (as a pool's pages do until it is drained).
/// Used only on the domain's vCPU: no locks.
/// </para>
/// </summary>
public sealed class PacketPool
{
    /// <summary>MCLBYTES: the cluster a frame up to 2048 bytes is built in; two share a page.</summary>
    public const int ClusterBytes = 2048;

    /// <summary>
    /// ETHER_ALIGN: a frame the stack builds starts 2 bytes into its first
    /// cluster, so the IP header after the 14-byte Ethernet header is 4-byte
    /// aligned (what NetBSD's drivers do with m_adj(m, ETHER_ALIGN)). Its
    /// pages are therefore granted at offsets 2 and 2050, not 0.
    /// </summary>
    public const int LeadingSpace = 2;

    private readonly IGuestMemory _memory;
    private readonly PageAllocator _pages;
    private readonly Stack<PacketBuffer> _freeBuffers = new();
    private readonly Stack<Gfn> _freePages = new();

    /// <summary>Free clusters, each the gfn and the cluster's offset (0 or 2048) in one value: gfn * 2 + half.</summary>
    private readonly Stack<ulong> _freeClusters = new();

    /// <param name="memory">The domain's memory, where the pages' bytes are.</param>
    /// <param name="pages">The domain's page allocator.</param>
    /// <param name="maxPages">The most pages the pool holds at once.</param>
    public PacketPool(IGuestMemory memory, PageAllocator pages, int maxPages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        _memory = memory;
        _pages = pages;
        MaxPages = maxPages;
    }

    /// <summary>The most pages the pool takes from the domain's RAM.</summary>
    public int MaxPages { get; }

    /// <summary>Pages taken from the domain's RAM so far (free or in use).</summary>
    public int PagesOwned { get; private set; }

    /// <summary>Pages handed out whole (posted RX buffers, or frames in them), not counting clusters.</summary>
    public int PagesInUse { get; private set; }

    /// <summary>Clusters holding frame data now.</summary>
    public int ClustersInUse { get; private set; }

    /// <summary>Buffers handed out and not yet freed by their last holder.</summary>
    public int BuffersInUse { get; private set; }

    /// <summary>Allocations refused because the pool held <see cref="MaxPages"/> pages.</summary>
    public long PoolExhausted { get; private set; }

    /// <summary>Allocations refused because the domain's RAM was exhausted.</summary>
    public long RamExhausted { get; private set; }

    /// <summary>Bytes written into buffers from outside them (<see cref="PacketBuffer.CopyFrom"/>): where frames originate.</summary>
    public long BytesCopiedIn { get; internal set; }

    /// <summary>Bytes read out of buffers into other memory (<see cref="PacketBuffer.CopyTo"/>): gathers for captures and readers.</summary>
    public long BytesCopiedOut { get; internal set; }

    /// <summary>
    /// A buffer for a frame of <paramref name="length"/> bytes built by this
    /// domain: a cluster, data from <see cref="LeadingSpace"/>, chained to
    /// more clusters when the frame does not fit one. False (counted) when
    /// the pool or the domain's RAM is exhausted.
    /// </summary>
    public bool TryAllocate(int length, out PacketBuffer buffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        int clusters = (LeadingSpace + length + ClusterBytes - 1) / ClusterBytes;
        if (clusters > PacketBuffer.MaxSegments)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "longer than a packet buffer's chain");
        }

        buffer = NewBuffer();
        buffer.Take();
        BuffersInUse++;
        int left = length;
        int offset = LeadingSpace;
        while (left > 0)
        {
            if (!TryTakeCluster(out Gfn gfn, out int clusterOffset))
            {
                buffer.Free();
                buffer = null!;
                return false;
            }

            int piece = Math.Min(left, ClusterBytes - offset);
            buffer.Append(gfn, clusterOffset + offset, piece, PacketStorage.Cluster);
            left -= piece;
            offset = 0;
        }

        return true;
    }

    /// <summary>A whole page, for a frontend to post as an RX buffer; false (counted) when exhausted.</summary>
    public bool TryAllocatePage(out Gfn gfn)
    {
        if (!_freePages.TryPop(out gfn) && !TryGrow(out gfn))
        {
            return false;
        }

        PagesInUse++;
        return true;
    }

    /// <summary>Gives back a page from <see cref="TryAllocatePage"/> that never became a buffer (a frontend's RX slot at detach).</summary>
    public void FreePage(Gfn gfn)
    {
        PagesInUse--;
        _freePages.Push(gfn);
    }

    /// <summary>
    /// Turns RX pages a frontend received into one buffer: each piece
    /// (offset, length in <paramref name="pages"/>[i]) becomes a segment that
    /// owns its page (the page swap of NetBSD's and Linux's frontends: the
    /// filled page goes up the stack, a fresh one takes its place in the ring).
    /// </summary>
    public PacketBuffer FromPages(ReadOnlySpan<PacketSegment> pages)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pages.Length, PacketBuffer.MaxSegments);
        PacketBuffer buffer = NewBuffer();
        foreach (PacketSegment page in pages)
        {
            buffer.Append(page.Gfn, page.Offset, page.Length, PacketStorage.Page);
        }

        buffer.Take();
        BuffersInUse++;
        return buffer;
    }

    /// <summary>
    /// pool_reclaim: gives every page the pool holds unused back to the
    /// domain's page allocator (a page whose two clusters are both free
    /// counts as unused). Called when an interface goes away, so a detached
    /// driver leaves no pages behind. Returns how many pages went back.
    /// </summary>
    public int Reclaim()
    {
        // Pair up free halves: a page both of whose clusters are free is whole again.
        var halves = new HashSet<ulong>();
        foreach (ulong cluster in _freeClusters)
        {
            if (!halves.Remove(cluster ^ 1))
            {
                halves.Add(cluster);
            }
            else
            {
                _freePages.Push(new Gfn(cluster / 2));
            }
        }

        _freeClusters.Clear();
        foreach (ulong half in halves)
        {
            _freeClusters.Push(half);
        }

        int reclaimed = 0;
        while (_freePages.TryPop(out Gfn gfn))
        {
            _pages.Free(gfn);
            PagesOwned--;
            reclaimed++;
        }

        return reclaimed;
    }

    /// <summary>
    /// The bytes of page <paramref name="gfn"/> of the domain's RAM. Every
    /// access to a buffer's bytes goes through here.
    /// </summary>
    internal Span<byte> Bytes(Gfn gfn) => _memory.Page(gfn);

    internal void ReturnStorage(Gfn gfn, int offset, PacketStorage storage)
    {
        if (storage == PacketStorage.Page)
        {
            FreePage(gfn);
            return;
        }

        ClustersInUse--;
        _freeClusters.Push((gfn.Value * 2) + (ulong)(offset / ClusterBytes));
    }

    internal void ReturnBuffer(PacketBuffer buffer)
    {
        BuffersInUse--;
        _freeBuffers.Push(buffer);
    }

    private PacketBuffer NewBuffer() => _freeBuffers.TryPop(out PacketBuffer? reused) ? reused : new PacketBuffer(this);

    private bool TryTakeCluster(out Gfn gfn, out int offset)
    {
        if (_freeClusters.TryPop(out ulong cluster))
        {
            gfn = new Gfn(cluster / 2);
            offset = (int)(cluster % 2) * ClusterBytes;
        }
        else if (_freePages.TryPop(out gfn) || TryGrow(out gfn))
        {
            // The page's second half waits on top of the free list, so the
            // next cluster taken (the rest of a chain) follows this one in
            // the same page and a driver can grant the two as one piece.
            _freeClusters.Push((gfn.Value * 2) + 1);
            offset = 0;
        }
        else
        {
            offset = 0;
            return false;
        }

        ClustersInUse++;
        return true;
    }

    private bool TryGrow(out Gfn gfn)
    {
        if (PagesOwned >= MaxPages)
        {
            PoolExhausted++;
            gfn = default;
            return false;
        }

        if (!_pages.TryAllocate(out gfn))
        {
            RamExhausted++;
            return false;
        }

        PagesOwned++;
        return true;
    }
}
