using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Tests.Backend;

namespace XvifSim.Tests.Hostile;

/// <summary>
/// A guest that speaks netif.h badly on purpose: one method per attack, on
/// top of the hand-written <see cref="TestFrontend"/> (which it wraps for the
/// ring, the grants and the port). It counts the TX requests it posts so the
/// tests can check that every one got exactly one answer.
/// </summary>
internal sealed class HostileFrontend(HostileBed bed, TestFrontend fe)
{
    /// <summary>An entry in the guest's first grant frame (512 entries) that this test guest never grants.</summary>
    public static readonly GrantRef UnknownGref = new(400);

    /// <summary>A reference far past any grant table.</summary>
    public static readonly GrantRef GrefPastTheTable = new(0x7fff_fff0);

    public TestFrontend Fe { get; } = fe;

    /// <summary>TX requests put on the ring (extra-info segments included).</summary>
    public int PostedTx { get; private set; }

    public uint TxPending => Fe.TxPending;

    public void Post(params NetifTxRequest[] requests)
    {
        Fe.PostTx(requests);
        PostedTx += requests.Length;
    }

    /// <summary>Takes exactly <paramref name="count"/> responses (waiting for them), then checks no more come.</summary>
    public List<NetifTxResponse> Take(int count)
    {
        List<NetifTxResponse> responses = Fe.TakeTx(count);
        Assert.That(responses, Has.Count.EqualTo(count), "responses");
        return responses;
    }

    /// <summary>A good 60-byte frame (ids 200 and up, so they stand out).</summary>
    public void SendGood(ushort id = 200) => Post(new NetifTxRequest { Gref = Fe.GrantData(TestFrontend.Frame(60, seed: 5), 0), Id = id, PacketSize = 60 });

    // --- grant references -------------------------------------------------

    /// <summary>The data page granted to another guest, not to dom0.</summary>
    public void SendForeignGref(DomId grantee) =>
        Post(new NetifTxRequest { Gref = Fe.GrantData(TestFrontend.Frame(60), 0, to: grantee), Id = 1, PacketSize = 60 });

    /// <summary>A reference that is not (or cannot be) granted.</summary>
    public void SendGref(GrantRef gref, ushort id = 1) => Post(new NetifTxRequest { Gref = gref, Id = id, PacketSize = 60 });

    /// <summary>A grant the guest ended after granting it (a stale reference).</summary>
    public void SendRevokedGref()
    {
        GrantRef gref = Fe.GrantData(TestFrontend.Frame(60), 0);
        bed.H.On(Fe.Kernel, () => Assert.That(Fe.Kernel.Grants.EndForeignAccess(gref)));
        SendGref(gref);
    }

    // --- sizes and offsets -------------------------------------------------

    /// <summary>One slot with the size and offset given, over a 4096-byte granted page.</summary>
    public void SendSlot(int offset, int size, ushort id = 3) =>
        Post(new NetifTxRequest { Gref = Fe.GrantData(TestFrontend.Frame(XenPage.Size), 0), Offset = (ushort)offset, Id = id, PacketSize = (ushort)size });

    /// <summary>A well-formed chain (slot 0's size is the whole frame's), as netif.h says.</summary>
    public NetifTxRequest[] Chain(int frameLength, params int[] slotSizes) => Fe.Chain(TestFrontend.Frame(frameLength), slotSizes);

    /// <summary>
    /// A frame over 65535 bytes: slot 0's 16-bit size field wraps (69632 reads
    /// as 4096) while 17 full pages follow it in the chain.
    /// </summary>
    public void SendWrappedChain()
    {
        const int Slots = 17;
        NetifTxRequest[] chain = Chain(Slots * 100, Enumerable.Repeat(100, Slots).ToArray());
        for (int i = 0; i < Slots; i++)
        {
            chain[i].Gref = Fe.GrantData(TestFrontend.Frame(XenPage.Size), 0);
            chain[i].PacketSize = XenPage.Size;
        }

        chain[0].PacketSize = unchecked((ushort)(Slots * XenPage.Size));
        Post(chain);
    }

    // --- ring indices ------------------------------------------------------

    /// <summary>req_prod moved <paramref name="by"/> past what was posted (past the ring's 256 entries when large).</summary>
    public void JumpReqProd(uint by) => Fe.SetTxReqProd(Fe.Tx.ReqProdPvt.Value + by);

    /// <summary>req_prod written back to <paramref name="to"/> (behind req_cons once the backend consumed more).</summary>
    public void RewindReqProd(uint to) => Fe.SetTxReqProd(to);

    // --- extra info --------------------------------------------------------

    /// <summary>A 60-byte frame flagged NETTXF_extra_info followed by the segments given.</summary>
    public void SendWithExtras(params NetifExtraInfo[] extras)
    {
        var requests = new List<NetifTxRequest> { new() { Gref = Fe.GrantData(TestFrontend.Frame(60), 0), Flags = NetTxFlags.ExtraInfo, Id = 4, PacketSize = 60 } };
        Span<byte> raw = stackalloc byte[NetifTxRequest.Size];
        foreach (NetifExtraInfo extra in extras)
        {
            raw.Clear();
            extra.Write(raw);
            requests.Add(NetifTxRequest.Read(raw));
        }

        Post([.. requests]);
    }

    // --- double fetch ------------------------------------------------------

    /// <summary>
    /// Posts <paramref name="requests"/> and, once the backend has copied
    /// them out and is about to grant-copy the data (its first GNTTABOP_copy
    /// after the post), rewrites the ring slots through <paramref name="rewrite"/>:
    /// a frontend racing the backend on another vCPU (XSA-155).
    /// </summary>
    public void PostThenRewrite(NetifTxRequest[] requests, Func<int, NetifTxRequest, NetifTxRequest> rewrite)
    {
        RingIndex first = Fe.Tx.ReqProdPvt;
        int rewritten = 0;
        bed.Dom0Calls.BeforeNextCopy = () =>
        {
            for (int i = 0; i < requests.Length; i++)
            {
                Span<byte> entry = Fe.Tx.Page.Span.Slice(Fe.Tx.EntryOffset(first + (uint)i), NetifTxRequest.Size);
                rewrite(i, NetifTxRequest.Read(entry)).Write(entry);
            }

            rewritten++;
        };
        Post(requests);
        Assert.That(bed.H.RunUntil(() => rewritten == 1), "the backend never copied");
    }

    // --- events ------------------------------------------------------------

    /// <summary>EVTCHNOP_send <paramref name="count"/> times with nothing posted.</summary>
    public int EventStorm(int count) => bed.H.On(Fe.Kernel, () =>
    {
        int ok = 0;
        for (int i = 0; i < count; i++)
        {
            ok += Fe.Kernel.Events.Notify(Fe.Port) == Errno.Ok ? 1 : 0;
        }

        return ok;
    });

    /// <summary>EVTCHNOP_close on the guest's end of the vif's channel, with the rings still live.</summary>
    public void CloseEventChannel() => bed.H.On(Fe.Kernel, () =>
    {
        Fe.Kernel.Events.Unbind(Fe.Port);
        Assert.That(Fe.Kernel.Hypercalls.EventChannel.Close(Fe.Port), Is.EqualTo(Errno.Ok));
    });

    // --- RX ----------------------------------------------------------------

    /// <summary>An RX buffer granted read-only: dom0 cannot write into it.</summary>
    public void PostRxReadOnly(ushort id)
    {
        (Gfn page, GrantRef gref) = Fe.GrantPage([], 0, readOnly: true);
        Fe.PostRxRaw((id, gref, page));
    }

    /// <summary>An RX buffer granted to another guest.</summary>
    public void PostRxForeign(ushort id, DomId grantee)
    {
        (Gfn page, GrantRef gref) = Fe.GrantPage([], 0, readOnly: false, grantee);
        Fe.PostRxRaw((id, gref, page));
    }

    /// <summary>An RX request with a reference that was never granted.</summary>
    public void PostRxGref(ushort id, GrantRef gref) => Fe.PostRxRaw((id, gref, null));

    /// <summary>Good RX buffers, all posted with the same id.</summary>
    public void PostRxDuplicateIds(ushort id, int count)
    {
        var requests = new (ushort, GrantRef, Gfn?)[count];
        for (int i = 0; i < count; i++)
        {
            (Gfn page, GrantRef gref) = Fe.GrantPage([], 0, readOnly: false);
            requests[i] = (id, gref, page);
        }

        Fe.PostRxRaw(requests);
    }

    /// <summary>A good RX buffer.</summary>
    public void PostRxGood(ushort id)
    {
        (Gfn page, GrantRef gref) = Fe.GrantPage([], 0, readOnly: false);
        Fe.PostRxRaw((id, gref, page));
    }

    // --- vanishing -----------------------------------------------------------

    /// <summary>
    /// The guest dies without ever writing Closing (XEN_DOMCTL_destroydomain
    /// with its rings still mapped by dom0), then the toolstack removes its
    /// directories as xl destroy would.
    /// </summary>
    public void Vanish()
    {
        bed.H.Machine.DestroyDomain(Fe.DomId);
        bed.H.RunFor(TimeSpan.FromMilliseconds(20));
        Assert.That(bed.H.Store.Rm($"/local/domain/{Fe.DomId.Value}"), Is.EqualTo(Errno.Ok));
        Assert.That(bed.H.Store.Rm(XvifHarness.BackendDir(Fe.DomId, 0)), Is.EqualTo(Errno.Ok));
    }
}
