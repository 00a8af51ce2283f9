using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Tests.Public.Rings;

/// <summary>io/ring.h's producer/consumer rules, including across the 32-bit index wrap.</summary>
public class RingProtocolTests
{
    private static (FrontRing Front, BackRing Back) NewRing(uint start = 0)
    {
        byte[] page = new byte[XenPage.Size];
        SharedRing.Init(page);
        var front = new FrontRing(page, NetifTxRequest.Size) { ReqProdPvt = new RingIndex(start), RspCons = new RingIndex(start) };
        var back = new BackRing(page, NetifTxRequest.Size) { ReqCons = new RingIndex(start), RspProdPvt = new RingIndex(start) };
        SharedBits.WriteU32(page, SharedRing.ReqProdOffset, start);
        SharedBits.WriteU32(page, SharedRing.RspProdOffset, start);
        SharedBits.WriteU32(page, SharedRing.ReqEventOffset, start + 1);
        SharedBits.WriteU32(page, SharedRing.RspEventOffset, start + 1);
        return (front, back);
    }

    [TestCase(0u)]
    [TestCase(0xFFFF_FFFEu)]
    public void FirstPushNotifiesAndTheSecondDoesNotUntilTheBackendAsksAgain(uint start)
    {
        (FrontRing front, BackRing back) = NewRing(start);
        front.ReqProdPvt += 1;
        Assert.That(front.PushRequestsAndCheckNotify(), Is.True, "req_event = start + 1 was crossed");
        front.ReqProdPvt += 1;
        Assert.That(front.PushRequestsAndCheckNotify(), Is.False, "the backend has not asked for another event");

        back.ReqCons += 2;
        Assert.That(back.FinalCheckForRequests(), Is.False);
        front.ReqProdPvt += 1;
        Assert.That(front.PushRequestsAndCheckNotify(), Is.True, "final check set req_event = req_cons + 1");
    }

    [TestCase(0u)]
    [TestCase(0xFFFF_FFFEu)]
    public void RequestsAvailableAsksForAnEventPastReqProdWhenTooFewAreWaiting(uint start)
    {
        (FrontRing front, BackRing back) = NewRing(start);
        front.ReqProdPvt += 2;
        front.PushRequestsAndCheckNotify();
        Assert.That(back.RequestsAvailable(2), Is.True);
        Assert.That(back.RequestsAvailable(3), Is.False);
        Assert.That(SharedBits.ReadU32(back.Page.Span, SharedRing.ReqEventOffset), Is.EqualTo(unchecked(start + 3)), "req_event = req_prod + 1");

        front.ReqProdPvt += 1;
        Assert.Multiple(() =>
        {
            Assert.That(front.PushRequestsAndCheckNotify(), Is.True, "the next request notifies");
            Assert.That(back.RequestsAvailable(3), Is.True);
        });
    }

    [TestCase(0u)]
    [TestCase(0xFFFF_FFF0u)]
    public void AnImpossibleReqProdIsClampedToTheFreeSpace(uint start)
    {
        (_, BackRing back) = NewRing(start);
        SharedBits.WriteU32(back.Page.Span, SharedRing.ReqProdOffset, start + 1000);
        Assert.That(back.UnconsumedRequests(back.ReadReqProd()), Is.EqualTo(256u));

        back.ReqCons += 10;
        Assert.Multiple(() =>
        {
            Assert.That(back.UnconsumedRequests(back.ReadReqProd()), Is.EqualTo(246u), "10 consumed and not yet answered still hold their slots");
            Assert.That(back.RequestConsOverflow(back.ReqCons + 246), Is.True);
            Assert.That(back.RequestConsOverflow(back.ReqCons + 245), Is.False);
        });
    }

    [Test]
    public void AReqProdGoingBackwardsLooksLikeAnEnormousCountAndIsClamped()
    {
        (_, BackRing back) = NewRing(100);
        back.ReqCons = new RingIndex(100);
        SharedBits.WriteU32(back.Page.Span, SharedRing.ReqProdOffset, 90);
        Assert.That(back.UnconsumedRequests(back.ReadReqProd()), Is.EqualTo(256u));
    }

    [Test]
    public void FreeRequestsCountsUnansweredSlotsAcrossTheWrap()
    {
        (FrontRing front, _) = NewRing(0xFFFF_FF80);
        front.ReqProdPvt += 256;
        Assert.Multiple(() =>
        {
            Assert.That(front.IsFull, Is.True);
            Assert.That(front.ReqProdPvt.Value, Is.EqualTo(0x80u));
        });
        front.RspCons += 6;
        Assert.That(front.FreeRequests, Is.EqualTo(6u));
    }

    [Test]
    public void ResponsesNotifyOnlyWhenTheFrontendAskedAndFinalCheckSeesLateOnes()
    {
        (FrontRing front, BackRing back) = NewRing();
        back.RspProdPvt += 1;
        Assert.That(back.PushResponsesAndCheckNotify(), Is.True, "rsp_event starts at 1");
        back.RspProdPvt += 1;
        Assert.That(back.PushResponsesAndCheckNotify(), Is.False);

        front.RspCons += 2;
        Assert.That(front.FinalCheckForResponses(), Is.False);
        Assert.That(SharedBits.ReadU32(front.Page.Span, SharedRing.RspEventOffset), Is.EqualTo(3u));
        back.RspProdPvt += 1;
        back.PushResponsesAndCheckNotify();
        Assert.That(front.FinalCheckForResponses(), Is.True);
    }
}
