using XvifSim.Public;
using XvifSim.Public.Netif;

namespace XvifSim.Tests.Hostile;

/// <summary>
/// A hostile guest on the TX ring, with a healthy guest on the same dom0.
/// Each attack gets the answer the reference gives (NetBSD's per-slot ERROR
/// or DROPPED, Linux's fatal disable for protocol violations); the healthy
/// guest passes traffic before, during and after; every request is
/// accounted for in the responses and the xvif's counters.
/// </summary>
public class HostileTxTests
{
    private HostileBed _bed = null!;

    private HostileFrontend Fe => _bed.Hostile;

    [SetUp]
    public void Start() => _bed = new HostileBed();

    [TearDown]
    public void Stop() => _bed?.Dispose();

    /// <summary>A per-slot answer: the attack is answered, the guest's later good frame still goes up, the healthy guest too.</summary>
    private List<NetifTxResponse> AnsweredThenStillWorks(int expected, int blamedDropped = 0)
    {
        _bed.AssertHealthyPasses("during the attack");
        List<NetifTxResponse> responses = Fe.Take(expected);
        Fe.SendGood();
        responses.AddRange(Fe.Take(1));
        Assert.That(_bed.H.RunUntil(() => _bed.HostileReceived.Count == 1), "the hostile guest's good frame goes up after the attack");
        Assert.That(responses[^1].Status, Is.EqualTo(NetifRsp.Okay));
        _bed.AssertTxAccounted(responses, blamedDropped);
        _bed.AssertHealthyPasses("after the attack");
        return responses;
    }

    private void FatalThenHealthyPasses(string reason, int answeredBefore = 0)
    {
        _bed.AssertHealthyPasses("during the attack");
        _bed.AssertFatallyDisabled(reason, answeredBefore);
        _bed.AssertHealthyPasses("after the vif is disabled");
    }

    private void AssertCopyFailed(List<NetifTxResponse> responses)
    {
        Assert.Multiple(() =>
        {
            Assert.That(responses[0].Status, Is.EqualTo(NetifRsp.Error));
            Assert.That(_bed.H.Dom0Log, Has.Some.StartsWith("xvif1i0 GNTTABOP_copy[0] Tx "));
            Assert.That(_bed.HostileVif.Counters.InErrors, Is.EqualTo(1));
        });
    }

    [Test]
    public void AForeignGrefIsAnsweredError()
    {
        Fe.SendForeignGref(_bed.Healthy.DomId);
        AssertCopyFailed(AnsweredThenStillWorks(1));
    }

    [Test]
    public void AnUnknownGrefIsAnsweredError()
    {
        Fe.SendGref(HostileFrontend.UnknownGref);
        AssertCopyFailed(AnsweredThenStillWorks(1));
    }

    [Test]
    public void AGrefPastTheGrantTableIsAnsweredError()
    {
        Fe.SendGref(HostileFrontend.GrefPastTheTable);
        AssertCopyFailed(AnsweredThenStillWorks(1));
    }

    [Test]
    public void ARevokedGrefIsAnsweredError()
    {
        Fe.SendRevokedGref();
        AssertCopyFailed(AnsweredThenStillWorks(1));
    }

    [TestCase(4000, 200, "xvif1i0: packet with size 200 is crossing page boundary")]
    [TestCase(4095, 14, "xvif1i0: packet with size 14 is crossing page boundary")]
    public void OffsetPlusSizePastThePageIsAnsweredError(int offset, int size, string message)
    {
        Fe.SendSlot(offset, size);
        List<NetifTxResponse> responses = AnsweredThenStillWorks(1);
        Assert.That(responses[0].Status, Is.EqualTo(NetifRsp.Error));
        Assert.That(_bed.H.Dom0Log, Does.Contain(message));
    }

    [TestCase(0)]
    [TestCase(13)]
    public void ASizeUnderTheEthernetHeaderIsAnsweredError(int size)
    {
        Fe.SendSlot(0, size);
        List<NetifTxResponse> responses = AnsweredThenStillWorks(1);
        Assert.That((responses[0].Id, responses[0].Status), Is.EqualTo(((ushort)3, NetifRsp.Error)));
        Assert.That(_bed.H.Dom0Log, Does.Contain($"xvif1i0: packet with size {size} is too short"));
    }

    [Test]
    public void ASizeOverJumboIsAnsweredErrorAndTheChainDropped()
    {
        Fe.Post(Fe.Chain(9019, 4096, 4096, 827));
        List<NetifTxResponse> responses = AnsweredThenStillWorks(3);
        Assert.That(responses.Take(3).Select(r => r.Status), Is.EqualTo(new[] { NetifRsp.Error, NetifRsp.Dropped, NetifRsp.Dropped }));
        Assert.That(_bed.H.Dom0Log, Does.Contain("xvif1i0: packet with size 9019 is bigger then jumbo"));
    }

    [Test]
    public void ASingleSlotOverJumboIsAnsweredError()
    {
        // Past the page too, which NetBSD checks first.
        Fe.SendSlot(0, 9019);
        Assert.That(AnsweredThenStillWorks(1)[0].Status, Is.EqualTo(NetifRsp.Error));
        Assert.That(_bed.H.Dom0Log, Does.Contain("xvif1i0: packet with size 9019 is crossing page boundary"));
    }

    [Test]
    public void ASizeOver65535WrapsAndTheChainIsDropped()
    {
        Fe.SendWrappedChain();
        List<NetifTxResponse> responses = AnsweredThenStillWorks(17, blamedDropped: 1);
        Assert.That(responses.Take(17).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Dropped));
        Assert.That(_bed.H.Dom0Log, Does.Contain("xvif1i0: Invalid tx request, slot size 4096 > remaining size 4096"));
    }

    [Test]
    public void AChainOf19SlotsIsDropped()
    {
        Fe.Post(Fe.Chain(19 * 100, Enumerable.Repeat(100, 19).ToArray()));
        List<NetifTxResponse> responses = AnsweredThenStillWorks(19, blamedDropped: 1);
        Assert.That(responses.Take(19).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Dropped));
        Assert.That(_bed.H.Dom0Log, Does.Contain("xvif1i0: Too many slots (19) exceeding limit (18), dropping packet"));
    }

    [Test]
    public void AChainOf20SlotsIsFatal()
    {
        Fe.Post(Fe.Chain(20 * 100, Enumerable.Repeat(100, 20).ToArray()));
        FatalThenHealthyPasses("Malicious frontend using 20 slots, threshold 20");
    }

    [Test]
    public void AChainWhoseSizesDoNotAddUpIsDropped()
    {
        var chain = Fe.Chain(300, 100, 200);
        chain[0].PacketSize = 200;
        Fe.Post(chain);
        List<NetifTxResponse> responses = AnsweredThenStillWorks(2, blamedDropped: 1);
        Assert.That(responses.Take(2).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Dropped));
        Assert.That(_bed.H.Dom0Log, Does.Contain("xvif1i0: Invalid tx request, slot size 200 > remaining size 200"));
    }

    [Test]
    public void MoreDataOnTheLastPostedSlotIsFatal()
    {
        Fe.SendGood(id: 200);
        var chain = Fe.Chain(300, 100, 100, 100);
        Fe.Post(chain[0], chain[1]);
        FatalThenHealthyPasses("Asked for 3 slots but exceeds this limit", answeredBefore: 1);
        Assert.That(_bed.HostileVif.Counters.InPackets, Is.EqualTo(1), "the good frame before it went up");
    }

    [Test]
    public void ReqProdJumpingPastTheRingIsFatal()
    {
        Fe.SendGood();
        Assert.That(Fe.Take(1)[0].Status, Is.EqualTo(NetifRsp.Okay));
        Fe.JumpReqProd(1000);
        FatalThenHealthyPasses("Impossible number of requests. req_prod 1001, req_cons 1, size 256");
    }

    [Test]
    public void ReqProdGoingBackwardsIsFatal()
    {
        Fe.SendGood(200);
        Fe.SendGood(201);
        Assert.That(Fe.Take(2).Select(r => r.Status), Is.All.EqualTo(NetifRsp.Okay));
        Fe.RewindReqProd(1);
        FatalThenHealthyPasses("Impossible number of requests. req_prod 1, req_cons 2, size 256");
    }

    [TestCase(0)]
    [TestCase(5)]
    [TestCase(200)]
    public void AnInvalidExtraTypeIsFatal(int type)
    {
        Fe.SendWithExtras(new NetifExtraInfo { Type = (NetifExtraType)type });
        FatalThenHealthyPasses($"Invalid extra type: {type}");
    }

    [Test]
    public void AMissingExtraIsFatal()
    {
        Fe.SendWithExtras();
        FatalThenHealthyPasses("Missing extra info");
    }

    [Test]
    public void AGsoExtraWithSizeZeroIsFatal()
    {
        Fe.SendWithExtras(new NetifExtraInfo { Type = NetifExtraType.Gso, GsoSize = 0, GsoType = NetifGsoType.TcpV4 });
        FatalThenHealthyPasses("GSO size must not be zero.");
    }

    [Test]
    public void AGsoExtraWithABadTypeIsFatal()
    {
        Fe.SendWithExtras(new NetifExtraInfo { Type = NetifExtraType.Gso, GsoSize = 1448, GsoType = (NetifGsoType)7 });
        FatalThenHealthyPasses("Bad GSO type 7.");
    }

    [Test]
    public void AnExtraChainThatClaimsMoreThanIsPostedIsFatal()
    {
        Fe.SendWithExtras(new NetifExtraInfo { Type = NetifExtraType.McastAdd, Flags = NetifExtraInfo.FlagMore });
        FatalThenHealthyPasses("Missing extra info");
    }

    [Test]
    public void RewritingAPostedRequestAfterTheBackendCopiedItDoesNotChangeTheAnswer()
    {
        byte[] frame = XvifSim.Tests.Backend.TestFrontend.Frame(60, seed: 9);
        var request = new NetifTxRequest { Gref = Fe.Fe.GrantData(frame, 0), Id = 11, PacketSize = 60 };

        // Second version: a size past the page and a bad gref, with another id.
        Fe.PostThenRewrite([request], (_, r) => r with { PacketSize = 9000, Gref = HostileFrontend.UnknownGref, Id = 12 });
        List<NetifTxResponse> responses = Fe.Take(1);
        Assert.That(_bed.H.RunUntil(() => _bed.HostileReceived.Count == 1));
        Assert.Multiple(() =>
        {
            Assert.That((responses[0].Id, responses[0].Status), Is.EqualTo(((ushort)11, NetifRsp.Okay)), "answered as first posted");
            Assert.That(_bed.HostileReceived[0], Is.EqualTo(frame), "the first version's bytes went up");
            Assert.That(_bed.H.Dom0Log, Has.None.Contains("xvif1i0: packet"));
        });
        _bed.AssertTxAccounted(responses);
        _bed.AssertHealthyPasses("after the attack");
    }

    [Test]
    public void RewritingAPostedChainAfterTheBackendCopiedItDoesNotChangeTheAnswer()
    {
        byte[] frame = XvifSim.Tests.Backend.TestFrontend.Frame(300, seed: 4);
        NetifTxRequest[] chain = Fe.Fe.Chain(frame, 100, 100, 100);

        // Second version: sizes that no longer add up, more_data cleared, a 20-slot claim.
        Fe.PostThenRewrite(chain, (i, r) => r with { PacketSize = (ushort)(i == 0 ? 9018 : 4096), Flags = NetTxFlags.MoreData });
        List<NetifTxResponse> responses = Fe.Take(3);
        Assert.That(_bed.H.RunUntil(() => _bed.HostileReceived.Count == 1));
        Assert.Multiple(() =>
        {
            Assert.That(responses.Select(r => (r.Id, r.Status)), Is.EqualTo(new[] { ((ushort)0, NetifRsp.Okay), ((ushort)1, NetifRsp.Okay), ((ushort)2, NetifRsp.Okay) }));
            Assert.That(_bed.HostileReceived[0], Is.EqualTo(frame));
            Assert.That(_bed.H.Dom0Log, Has.None.Contains("fatal"));
        });
        _bed.AssertTxAccounted(responses);
        _bed.AssertHealthyPasses("after the attack");
    }
}
