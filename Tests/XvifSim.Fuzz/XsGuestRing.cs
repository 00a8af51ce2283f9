using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using static XvifSim.Public.XenStore.XenstoreDomainInterface;

namespace XvifSim.Fuzz;

/// <summary>
/// The guest's side of a domain's XenStore ring, driven byte by byte as a
/// guest kernel's xenbus driver would (docs/misc/xenstore-ring.txt): bytes
/// go into req[] at req_prod, which is published after them; what the
/// server wrote into rsp[] is collected and cut into whole messages.
/// </summary>
internal sealed class XsGuestRing(Domain domain)
{
    private readonly byte[] _rsp = new byte[XsdSockmsg.Size + XsLimits.PayloadMax];
    private int _rspLength;

    private Span<byte> Page => domain.XenstoreRing.Span;

    public uint ReqCons => SharedBits.ReadU32(Page, ReqConsOffset);

    public XenstoreRingError Error => (XenstoreRingError)SharedBits.ReadU32(Page, ErrorOffset);

    /// <summary>Bytes req[] can take now.</summary>
    public int Free => RingSize - (int)unchecked(SharedBits.ReadU32(Page, ReqProdOffset) - ReqCons);

    /// <summary>Copies <paramref name="bytes"/> (at most <see cref="Free"/>) in at req_prod, publishes it and notifies.</summary>
    public Errno Push(ReadOnlySpan<byte> bytes)
    {
        uint prod = SharedBits.ReadU32(Page, ReqProdOffset);
        for (int i = 0; i < bytes.Length; i++)
        {
            Page[ReqOffset + MaskIndex(prod + (uint)i)] = bytes[i];
        }

        // wmb(): the bytes before the index.
        Interlocked.MemoryBarrier();
        SharedBits.WriteU32(Page, ReqProdOffset, prod + (uint)bytes.Length);
        return Notify();
    }

    /// <summary>EVTCHNOP_send on the store port.</summary>
    public Errno Notify() => domain.Hypercalls.EventChannel.Send(domain.Hypercalls.StartInfo.StoreEvtchn);

    /// <summary>
    /// Consumes everything in rsp[] and hands each whole message to
    /// <paramref name="message"/>; returns whether anything was consumed.
    /// A header announcing more than XENSTORE_PAYLOAD_MAX is a server bug.
    /// </summary>
    public bool Take(Action<XsdSockmsg, ReadOnlySpan<byte>> message)
    {
        uint cons = SharedBits.ReadU32(Page, RspConsOffset);
        uint prod = SharedBits.ReadU32(Page, RspProdOffset);
        FuzzFinding.Check(unchecked(prod - cons) <= RingSize, $"rsp_prod {prod} is more than a ring past rsp_cons {cons}");
        bool any = cons != prod;
        for (; cons != prod; cons++)
        {
            _rsp[_rspLength++] = Page[RspOffset + MaskIndex(cons)];
            if (_rspLength == XsdSockmsg.Size)
            {
                XsdSockmsg header = XsdSockmsg.Read(_rsp);
                FuzzFinding.Check(header.Len <= XsLimits.PayloadMax, $"the server sent {header.Type} with a {header.Len}-byte payload");
            }

            if (_rspLength >= XsdSockmsg.Size && _rspLength == XsdSockmsg.Size + XsdSockmsg.Read(_rsp).Len)
            {
                message(XsdSockmsg.Read(_rsp), _rsp.AsSpan(XsdSockmsg.Size, _rspLength - XsdSockmsg.Size));
                _rspLength = 0;
            }
        }

        // mb(): done reading before freeing the space.
        Interlocked.MemoryBarrier();
        SharedBits.WriteU32(Page, RspConsOffset, cons);
        return any;
    }
}
