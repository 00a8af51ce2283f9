using XvifSim.Public;
using XvifSim.Public.XenStore;
using static XvifSim.Public.XenStore.XenstoreDomainInterface;

namespace XvifSim.Guest.Xenbus;

/// <summary>
/// The guest's end of the XenStore ring (Linux's xb_write and xb_read over
/// docs/misc/xenstore-ring.txt): whole messages go out into req[] as space
/// allows, replies and watch events come back from rsp[] as a byte stream
/// reassembled into messages. The server's indices are read once per pass
/// and checked. Runs on the guest's vCPU.
/// </summary>
internal sealed class XenbusRing(Memory<byte> pageMemory)
{
    private readonly Queue<byte[]> _out = new();
    private readonly byte[] _in = new byte[XsdSockmsg.Size + XsLimits.PayloadMax];
    private int _outOffset;
    private int _inLength;

    /// <summary>Set when the server's indices are impossible; the ring is then dead.</summary>
    public string? Broken { get; private set; }

    public void Queue(byte[] message) => _out.Enqueue(message);

    /// <summary>The ring page, looked up where it is used (a span cannot be kept in a field).</summary>
    private Span<byte> Page => pageMemory.Span;

    /// <summary>Writes as much queued output as fits; true if anything was written (the server must be notified).</summary>
    public bool Write()
    {
        if (IsDead())
        {
            return false;
        }

        uint cons = SharedBits.ReadU32(Page, ReqConsOffset);
        uint prod = SharedBits.ReadU32(Page, ReqProdOffset);
        uint used = unchecked(prod - cons);
        if (used > RingSize)
        {
            Broken = $"req_cons {cons} is beyond req_prod {prod}";
            return false;
        }

        uint start = prod;
        while (_out.TryPeek(out byte[]? message) && used < RingSize)
        {
            int n = (int)Math.Min((uint)(message.Length - _outOffset), RingSize - used);
            int at = MaskIndex(prod);
            int first = Math.Min(n, RingSize - at);
            message.AsSpan(_outOffset, first).CopyTo(Page.Slice(ReqOffset + at));
            message.AsSpan(_outOffset + first, n - first).CopyTo(Page.Slice(ReqOffset));
            prod += (uint)n;
            used += (uint)n;
            _outOffset += n;
            if (_outOffset == message.Length)
            {
                _out.Dequeue();
                _outOffset = 0;
            }
        }

        if (prod == start)
        {
            return false;
        }

        // wmb(): the bytes before the index that publishes them.
        Interlocked.MemoryBarrier();
        SharedBits.WriteU32(Page, ReqProdOffset, prod);
        return true;
    }

    /// <summary>
    /// Reads what the server produced, calling <paramref name="onMessage"/> for
    /// each whole message. True if anything was consumed (the server may be
    /// waiting for space and must be notified).
    /// </summary>
    public bool Read(Action<XsdSockmsg, ReadOnlySpan<byte>> onMessage)
    {
        if (IsDead())
        {
            return false;
        }

        uint cons = SharedBits.ReadU32(Page, RspConsOffset);
        uint prod = SharedBits.ReadU32(Page, RspProdOffset);
        uint available = unchecked(prod - cons);
        if (available > RingSize)
        {
            Broken = $"rsp_prod {prod} is {available} bytes past rsp_cons {cons}";
            return false;
        }

        // rmb(): read the bytes only after the index.
        Interlocked.MemoryBarrier();
        uint start = cons;
        while (available > 0)
        {
            int wanted = _inLength < XsdSockmsg.Size
                ? XsdSockmsg.Size - _inLength
                : XsdSockmsg.Size + (int)XsdSockmsg.Read(_in).Len - _inLength;
            int n = (int)Math.Min((uint)wanted, available);
            int at = MaskIndex(cons);
            int first = Math.Min(n, RingSize - at);
            Page.Slice(RspOffset + at, first).CopyTo(_in.AsSpan(_inLength));
            Page.Slice(RspOffset, n - first).CopyTo(_in.AsSpan(_inLength + first));
            cons += (uint)n;
            available -= (uint)n;
            _inLength += n;
            if (_inLength < XsdSockmsg.Size)
            {
                continue;
            }

            XsdSockmsg header = XsdSockmsg.Read(_in);
            if (header.Len > XsLimits.PayloadMax)
            {
                Broken = $"the server sent a {header.Len}-byte payload";
                return false;
            }

            if (_inLength == XsdSockmsg.Size + (int)header.Len)
            {
                _inLength = 0;
                onMessage(header, _in.AsSpan(XsdSockmsg.Size, (int)header.Len));
            }
        }

        if (cons == start)
        {
            return false;
        }

        // mb(): finish reading before freeing the space.
        Interlocked.MemoryBarrier();
        SharedBits.WriteU32(Page, RspConsOffset, cons);
        return true;
    }

    /// <summary>
    /// True once the ring is broken, found here or by the server: where the
    /// server advertises XENSTORE_SERVER_FEATURE_ERROR, a non-zero error field
    /// means it has stopped serving the ring (xenstore-ring.txt), so no reply
    /// will ever come. A dead ring is not touched again.
    /// </summary>
    private bool IsDead()
    {
        if (Broken is not null)
        {
            return true;
        }

        var features = (XenstoreServerFeatures)SharedBits.ReadU32(Page, ServerFeaturesOffset);
        uint error = SharedBits.ReadU32(Page, ErrorOffset);
        if (features.HasFlag(XenstoreServerFeatures.Error) && error != 0)
        {
            Broken = $"the server stopped serving the ring: error {error}";
        }

        return Broken is not null;
    }
}
