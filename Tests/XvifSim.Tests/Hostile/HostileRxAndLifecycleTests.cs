using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Tests.Backend;

namespace XvifSim.Tests.Hostile;

/// <summary>
/// A hostile guest on the RX ring and in its lifecycle (an event storm, its
/// port closed under traffic, the domain destroyed without Closing), with a
/// healthy guest on the same dom0 that keeps passing traffic.
/// </summary>
public class HostileRxAndLifecycleTests
{
    private HostileBed _bed = null!;

    private HostileFrontend Fe => _bed.Hostile;

    [TearDown]
    public void Stop() => _bed?.Dispose();

    private bool Dom0Sends(byte[] frame) => _bed.H.On(_bed.H.Dom0, () => _bed.HostileVif.Send(frame));

    /// <summary>A bad buffer: the frame copied into it is answered ERROR (-1) under the buffer's id and counted; the next good buffer gets the next frame.</summary>
    private void AssertBadRxBufferIsAnsweredError(Action postBad)
    {
        _bed = new HostileBed();
        postBad();
        Assert.That(Dom0Sends(TestFrontend.Frame(70)));
        _bed.AssertHealthyPasses("during the attack");
        Assert.That(_bed.H.RunUntil(() => Fe.Fe.RxPending == 1), _bed.Dom0Text);
        var bad = Fe.Fe.TakeRx();

        Fe.PostRxGood(21);
        byte[] good = TestFrontend.Frame(90, seed: 6);
        Assert.That(Dom0Sends(good));
        Assert.That(_bed.H.RunUntil(() => Fe.Fe.RxPending == 1), _bed.Dom0Text);
        var next = Fe.Fe.TakeRx();
        Assert.Multiple(() =>
        {
            Assert.That(bad.Select(r => (r.Response.Id, r.Response.Status)), Is.EqualTo(new[] { ((ushort)20, (short)NetifRsp.Error) }));
            Assert.That(_bed.H.Dom0Log, Has.Some.StartsWith("xvif1i0 GNTTABOP_copy[0] Rx "));
            Assert.That(next.Select(r => (r.Response.Id, r.Response.Status)), Is.EqualTo(new[] { ((ushort)21, (short)90) }));
            Assert.That(next[0].Data, Is.EqualTo(good));
            Assert.That(_bed.HostileVif.Counters.OutPackets, Is.EqualTo(2), "frames queued to the guest");
            Assert.That(_bed.HostileVif.Counters.OutErrors, Is.EqualTo(1), "the frame that could not be copied");
            Assert.That(_bed.H.On(_bed.H.Dom0, () => _bed.H.Driver.Instances.Single(i => i.Name == "xvif1i0").RxQueued), Is.Zero);
        });
        _bed.AssertHealthyPasses("after the attack");
    }

    [Test]
    public void AnRxBufferWithAnUnknownGrefIsAnsweredError() =>
        AssertBadRxBufferIsAnsweredError(() => Fe.PostRxGref(20, HostileFrontend.UnknownGref));

    [Test]
    public void AnRxBufferWithAGrefPastTheTableIsAnsweredError() =>
        AssertBadRxBufferIsAnsweredError(() => Fe.PostRxGref(20, HostileFrontend.GrefPastTheTable));

    [Test]
    public void AReadOnlyRxBufferIsAnsweredError() =>
        AssertBadRxBufferIsAnsweredError(() => Fe.PostRxReadOnly(20));

    [Test]
    public void AnRxBufferGrantedToAnotherGuestIsAnsweredError() =>
        AssertBadRxBufferIsAnsweredError(() => Fe.PostRxForeign(20, new DomId(2)));

    [Test]
    public void RxBuffersWithDuplicateIdsAreEachUsedOnce()
    {
        _bed = new HostileBed();
        Fe.PostRxDuplicateIds(7, 3);
        byte[][] frames = [TestFrontend.Frame(61), TestFrontend.Frame(62), TestFrontend.Frame(63)];
        foreach (byte[] frame in frames)
        {
            Assert.That(Dom0Sends(frame));
        }

        _bed.AssertHealthyPasses("during the attack");
        Assert.That(_bed.H.RunUntil(() => Fe.Fe.RxPending == 3), _bed.Dom0Text);

        // The backend answers each request under the id it carried; sorting them out is the frontend's problem.
        Assert.That(Fe.Fe.TakeRx().Select(r => (r.Response.Id, r.Response.Status)), Is.EqualTo(new[] { ((ushort)7, (short)61), ((ushort)7, (short)62), ((ushort)7, (short)63) }));
        Assert.That(Dom0Sends(TestFrontend.Frame(64)));
        _bed.H.RunFor(TimeSpan.FromMilliseconds(20));
        Assert.Multiple(() =>
        {
            Assert.That(Fe.Fe.RxPending, Is.Zero, "no buffer is used twice");
            Assert.That(_bed.H.On(_bed.H.Dom0, () => _bed.H.Driver.Instances.Single(i => i.Name == "xvif1i0").RxQueued), Is.EqualTo(1));
            Assert.That(_bed.HostileVif.Counters.OutPackets, Is.EqualTo(4));
            Assert.That(_bed.HostileVif.Counters.OutErrors, Is.Zero);
        });
        _bed.AssertHealthyPasses("after the attack");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AnEventStormWithNothingPostedIsHarmless(bool threaded)
    {
        _bed = new HostileBed(threaded);
        int sent = Fe.EventStorm(5000);
        Assert.That(sent, Is.EqualTo(5000), "every send is accepted (2-level events coalesce)");

        // Answered within a bounded time: 100 ms of scheduler time (real time under the threaded scheduler).
        _bed.AssertHealthyPasses("during the storm", TimeSpan.FromMilliseconds(threaded ? 2000 : 100));
        Fe.EventStorm(5000);
        _bed.AssertHealthyPasses("after the storms", TimeSpan.FromMilliseconds(threaded ? 2000 : 100));
        Assert.Multiple(() =>
        {
            Assert.That(Fe.TxPending, Is.Zero, "nothing posted, nothing answered");
            Assert.That(_bed.HostileVif.Counters.InErrors + _bed.HostileVif.Counters.InDrops, Is.Zero);
            Assert.That(_bed.H.Dom0Log, Has.None.Contains("xvif1i0: fatal"));
        });
        Fe.SendGood();
        Assert.That(Fe.Take(1)[0].Status, Is.EqualTo(NetifRsp.Okay), "the storming guest is still served");
    }

    [Test]
    public void ClosingTheEventChannelMidTrafficHurtsOnlyThatGuest()
    {
        _bed = new HostileBed();
        Fe.PostRxGood(30);
        Fe.PostRxGood(31);
        Fe.PostRxGood(32);
        Assert.That(Dom0Sends(TestFrontend.Frame(60)));
        Fe.SendGood(200);
        Assert.That(_bed.H.RunUntil(() => Fe.Fe.RxPending == 1 && Fe.TxPending == 1));

        Fe.CloseEventChannel();

        // Dom0 keeps sending to it; the copies land, the notifications go nowhere.
        Assert.That(Dom0Sends(TestFrontend.Frame(61)));
        Assert.That(Dom0Sends(TestFrontend.Frame(62)));
        Fe.SendGood(201);
        _bed.AssertHealthyPasses("with the port closed");
        Assert.That(_bed.H.RunUntil(() => Fe.Fe.RxPending == 3));
        Assert.Multiple(() =>
        {
            Assert.That(Fe.Fe.TakeRx().Select(r => (int)r.Response.Status), Is.EqualTo(new[] { 60, 61, 62 }));
            Assert.That(Fe.Take(1).Single().Status, Is.EqualTo(NetifRsp.Okay), "the request before the close");
            Assert.That(Fe.TxPending, Is.Zero, "the request after the close is never seen: no event reaches dom0");
            Assert.That(_bed.HostileVif.Counters.OutPackets, Is.EqualTo(3));
            Assert.That(_bed.HostileVif.Counters.InPackets, Is.EqualTo(1));
        });

        // Then the guest goes away: dom0 lets go of everything of it.
        Fe.Vanish();
        Assert.That(_bed.H.RunUntil(() => _bed.HostileLeftovers().Count == 0), string.Join('\n', _bed.HostileLeftovers()));
        _bed.AssertHealthyPasses("after the guest is gone");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void VanishingWithoutClosingLeavesNothingMappedInDom0(bool threaded)
    {
        _bed = new HostileBed(threaded);
        Fe.PostRxGood(40);
        Fe.PostRxGood(41);
        for (ushort id = 200; id < 204; id++)
        {
            Fe.SendGood(id);
        }

        for (int i = 0; i < 5; i++)
        {
            Dom0Sends(TestFrontend.Frame(60 + i));
        }

        Assert.That(_bed.HostileLeftovers(), Is.Not.Empty, "dom0 maps the guest's rings");
        Fe.Vanish();
        Assert.That(_bed.H.WaitForLog("xvif1i0: disconnecting"), _bed.Dom0Text);
        Assert.That(_bed.H.RunUntil(() => _bed.HostileLeftovers().Count == 0), string.Join('\n', _bed.HostileLeftovers()));
        Assert.Multiple(() =>
        {
            Assert.That(_bed.H.Machine.Domains.Any(d => d.Id == Fe.Fe.DomId), Is.False, "the domain is reaped");
            Assert.That(_bed.H.On(_bed.H.Dom0, () => _bed.H.Driver.Instances.Any(i => i.Name == "xvif1i0")), Is.False);
            Assert.That(_bed.H.Interface("xvif1i0"), Is.Null);
        });
        _bed.AssertHealthyPasses("after the guest vanished");
    }
}
