using System.Text;
using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using static XvifSim.Public.XenStore.XenstoreDomainInterface;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>
/// A guest's XenStore ring driven by hand, with no xenbus client: the test
/// writes bytes into req[] and moves the indices itself, as a buggy or
/// hostile guest would (docs/misc/xenstore-ring.txt), and reads rsp[].
/// </summary>
internal sealed class RawXsRing(Domain domain)
{
    private readonly List<byte> _partial = [];

    public Span<byte> Page => domain.XenstoreRing.Span;

    public uint ReqCons => SharedBits.ReadU32(Page, ReqConsOffset);

    public uint ReqProd
    {
        get => SharedBits.ReadU32(Page, ReqProdOffset);
        set => SharedBits.WriteU32(Page, ReqProdOffset, value);
    }

    public uint RspProd => SharedBits.ReadU32(Page, RspProdOffset);

    public uint RspCons => SharedBits.ReadU32(Page, RspConsOffset);

    public XenstoreRingError Error => (XenstoreRingError)SharedBits.ReadU32(Page, ErrorOffset);

    public XenstoreServerFeatures ServerFeatures => (XenstoreServerFeatures)SharedBits.ReadU32(Page, ServerFeaturesOffset);

    /// <summary>One request: a header and the payload, NUL-separated strings each ending in NUL.</summary>
    public static byte[] Message(XsdSockmsgType type, uint reqId, params string[] strings)
    {
        byte[] payload = Encoding.Latin1.GetBytes(string.Concat(strings.Select(s => s + "\0")));
        byte[] message = new byte[XsdSockmsg.Size + payload.Length];
        new XsdSockmsg(type, reqId, 0, (uint)payload.Length).Write(message);
        payload.CopyTo(message, XsdSockmsg.Size);
        return message;
    }

    /// <summary>Copies <paramref name="bytes"/> in at req_prod (wrapping) and publishes the new req_prod; no event.</summary>
    public void Push(ReadOnlySpan<byte> bytes)
    {
        uint prod = ReqProd;
        Assert.That(bytes.Length, Is.LessThanOrEqualTo(RingSize - (int)(prod - ReqCons)), "the test overfilled the ring");
        for (int i = 0; i < bytes.Length; i++)
        {
            Page[ReqOffset + MaskIndex(prod + (uint)i)] = bytes[i];
        }

        ReqProd = prod + (uint)bytes.Length;
    }

    /// <summary>EVTCHNOP_send on the store port, as the guest does after pushing.</summary>
    public Errno Notify() => domain.Hypercalls.EventChannel.Send(domain.Hypercalls.StartInfo.StoreEvtchn);

    /// <summary><see cref="Push"/> then <see cref="Notify"/>.</summary>
    public void Send(byte[] message)
    {
        Push(message);
        Assert.That(Notify(), Is.EqualTo(Errno.Ok));
    }

    /// <summary>Consumes what the server produced and returns the whole messages; publishes rsp_cons, no event.</summary>
    public List<(XsdSockmsg Header, string Payload)> Take()
    {
        uint cons = RspCons;
        uint prod = RspProd;
        for (; cons != prod; cons++)
        {
            _partial.Add(Page[RspOffset + MaskIndex(cons)]);
        }

        SharedBits.WriteU32(Page, RspConsOffset, cons);
        var messages = new List<(XsdSockmsg, string)>();
        while (_partial.Count >= XsdSockmsg.Size)
        {
            XsdSockmsg header = XsdSockmsg.Read([.. _partial.Take(XsdSockmsg.Size)]);
            int length = XsdSockmsg.Size + (int)header.Len;
            if (_partial.Count < length)
            {
                break;
            }

            messages.Add((header, Encoding.Latin1.GetString([.. _partial.Skip(XsdSockmsg.Size).Take((int)header.Len)])));
            _partial.RemoveRange(0, length);
        }

        return messages;
    }
}
