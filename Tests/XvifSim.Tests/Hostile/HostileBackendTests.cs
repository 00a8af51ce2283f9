using XvifSim.Frontend;
using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Tests.Frontend;

namespace XvifSim.Tests.Hostile;

/// <summary>
/// A hostile backend against the xennet frontend (issue 6 item 2). NetBSD
/// xennet trusts the backend's responses; the driver does what Linux
/// netfront's 2021 hardening does (docs/reference/linux-netback.md, "Netfront hardening"): a response with a bad
/// id, for an inactive request, one response too many, or for a grant the
/// backend still maps marks the interface broken with Linux's message; an RX
/// response whose status/offset does not fit the page is rejected and
/// counted, and the interface keeps working. Each test states the full
/// answer: the log line, IsBroken, the guest's vCPU still running other
/// work, and after teardown no grant left granted (or the ones the hostile
/// backend still maps reported by detach).
/// </summary>
public sealed class HostileBackendTests
{
    [Test]
    public void ATxResponseWithAnIdPastTheRingBreaksTheInterface()
    {
        using var bed = ConnectedWithOneTxRequest(out _);
        bed.Backend.RespondTx(300, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Settle();

        AssertBroken(bed, "Response has incorrect id (300)");
        AssertCleanTeardown(bed);
    }

    [Test]
    public void ATxResponseForARequestAlreadyAnsweredBreaksTheInterface()
    {
        using var bed = Connected();
        Assert.That(bed.Send(XennetTestBed.Frame(60, seed: 1)), Is.True);
        Assert.That(bed.Send(XennetTestBed.Frame(60, seed: 2)), Is.True);
        List<NetifTxRequest> requests = bed.Backend.TakeTxRequests();
        bed.Backend.RespondTx(requests[0].Id, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Settle();

        // Two responses for two requests, but the second names the first's id again.
        bed.Backend.RespondTx(requests[0].Id, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Settle();

        AssertBroken(bed, "Response for inactive request");
        AssertCleanTeardown(bed);
    }

    [Test]
    public void ATxResponseForAnIdNeverPostedBreaksTheInterface()
    {
        using var bed = ConnectedWithOneTxRequest(out NetifTxRequest request);
        ushort neverPosted = (ushort)((request.Id + 17) % 256);
        bed.Backend.RespondTx(neverPosted, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Settle();

        AssertBroken(bed, "Response for inactive request");
        AssertCleanTeardown(bed);
    }

    [Test]
    public void MoreTxResponsesThanRequestsBreakTheInterface()
    {
        using var bed = ConnectedWithOneTxRequest(out NetifTxRequest request);
        bed.Backend.RespondTx(request.Id, NetifRsp.Okay);
        TestBackend.WriteRspProd(bed.Backend.Tx!, new RingIndex(5));
        bed.Backend.Kick();
        bed.Settle();

        AssertBroken(bed, "Illegal number of responses 5");
        AssertCleanTeardown(bed);
    }

    [Test]
    public void ATxRspProdGoingBackwardsBreaksTheInterface()
    {
        // rsp_prod one behind rsp_cons: prod - cons wraps to 2^32 - 1.
        using var bed = ConnectedWithOneTxRequest(out _);
        TestBackend.WriteRspProd(bed.Backend.Tx!, new RingIndex(uint.MaxValue));
        bed.Backend.Kick();
        bed.Settle();

        AssertBroken(bed, "Illegal number of responses 4294967295");
        AssertCleanTeardown(bed);
    }

    [Test]
    public void ATxResponseForAGrantTheBackendStillMapsBreaksTheInterfaceAndDetachReportsIt()
    {
        using var bed = ConnectedWithOneTxRequest(out NetifTxRequest request);
        (GrantHandle handle, Gfn at) = bed.Backend.MapExtra(request.Gref, readOnly: true);
        bed.Backend.RespondTx(request.Id, NetifRsp.Okay);
        bed.Backend.PushTx();
        bed.Settle();

        AssertBroken(bed, "Grant still in use by backend domain");

        // Teardown while dom0 still maps the page: the grant cannot be ended,
        // so detach keeps it (and its page) and says so.
        XennetInstance instance = bed.Instance;
        bed.CloseBoth();
        Assert.Multiple(() =>
        {
            Assert.That(instance.HeldAtDetach, Is.EqualTo(new[] { request.Gref }));
            Assert.That(bed.GuestLog, Does.Contain(
                $"xennet0: detached with 1 grants still in use by backend domain 0 ({request.Gref.Value}); their pages are not freed"));
            Assert.That(bed.Guest.Grants.InUse, Is.EqualTo(1), "the held grant is reported, not silently ended");
        });
        bed.Backend.Unmap(handle, at);
    }

    [Test]
    public void AnRxResponseWithAnIdPastTheRingBreaksTheInterface()
    {
        using var bed = Connected();
        bed.Backend.RespondRx(4000, 0, NetRxFlags.None, 60);
        bed.Backend.PushRx();
        bed.Settle();

        AssertBroken(bed, "Response has incorrect id (4000)");
        Assert.That(bed.Received, Is.Empty);
        AssertCleanTeardown(bed);
    }

    [Test]
    public void TwoRxResponsesForOneBufferBreakTheInterface()
    {
        using var bed = Connected();
        NetifRxRequest buffer = bed.Backend.TakeRxRequests()[0];
        bed.Backend.FillRx(buffer, XennetTestBed.Frame(60), NetRxFlags.None);
        bed.Backend.RespondRx(buffer.Id, 0, NetRxFlags.None, 60);
        bed.Backend.PushRx();
        bed.Settle();

        AssertBroken(bed, "Response for inactive request");
        Assert.That(bed.Received, Has.Count.EqualTo(1), "the first answer was good and delivered once");
        AssertCleanTeardown(bed);
    }

    [Test]
    public void MoreRxResponsesThanBuffersPostedBreakTheInterface()
    {
        using var bed = Connected();
        TestBackend.WriteRspProd(bed.Backend.Rx!, new RingIndex(257));
        bed.Backend.Kick();
        bed.Settle();

        AssertBroken(bed, "Illegal number of responses 257");
        AssertCleanTeardown(bed);
    }

    [Test]
    public void AnRxResponseForABufferTheBackendStillMapsBreaksTheInterfaceAndDetachReportsIt()
    {
        using var bed = Connected();
        NetifRxRequest buffer = bed.Backend.TakeRxRequests()[0];
        (GrantHandle handle, Gfn at) = bed.Backend.MapExtra(buffer.Gref, readOnly: false);
        bed.Backend.RespondRx(buffer.Id, 0, NetRxFlags.None, 60);
        bed.Backend.PushRx();
        bed.Settle();

        AssertBroken(bed, "Grant still in use by backend domain");
        Assert.That(bed.Received, Is.Empty, "data the backend can still change is never read");

        XennetInstance instance = bed.Instance;
        bed.CloseBoth();
        Assert.Multiple(() =>
        {
            Assert.That(instance.HeldAtDetach, Is.EqualTo(new[] { buffer.Gref }));
            Assert.That(bed.GuestLog, Has.Some.StartsWith("xennet0: detached with 1 grants still in use by backend domain 0"));
            Assert.That(bed.Guest.Grants.InUse, Is.EqualTo(1));
        });
        bed.Backend.Unmap(handle, at);
    }

    [Test]
    public void EveryRxResponseOutsideThePageIsCountedButTheirLogIsRateChecked()
    {
        // A backend that answers every buffer badly: each is rejected and
        // counted, the guest logs at most LogRateLimit.DefaultPerSecond lines
        // in the virtual second and counts the rest as suppressed.
        using var bed = Connected();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        foreach (NetifRxRequest request in posted)
        {
            bed.Backend.RespondRx(request.Id, 4096, NetRxFlags.None, 1);
        }

        bed.Backend.PushRx();
        bed.Settle();

        int lines = bed.GuestLog.Count(l => l == "xennet0: rx->offset: 4096, size: 1");
        Assert.Multiple(() =>
        {
            Assert.That(posted, Has.Count.EqualTo(256));
            Assert.That(bed.Instance.Statistics.RxRejected, Is.EqualTo(posted.Count), "every response counted");
            Assert.That(bed.Interface.Counters.InErrors, Is.EqualTo(posted.Count));
            Assert.That(lines, Is.EqualTo(XvifSim.Guest.LogRateLimit.DefaultPerSecond), "the first ones keep their text, the rest are held back");
            Assert.That(lines + bed.Instance.LogSuppressed, Is.EqualTo(posted.Count), "every line written or counted as suppressed");
            Assert.That(bed.Instance.IsBroken, Is.False);
        });
    }

    [TestCase((ushort)0, (short)-1)]
    [TestCase((ushort)0, short.MinValue)]
    [TestCase((ushort)100, (short)4000)]
    [TestCase((ushort)4096, (short)1)]
    [TestCase((ushort)0, (short)4097)]
    public void AnRxResponseOutsideThePageIsRejectedAndCountedNotBroken(ushort offset, short status)
    {
        // Linux netfront xennet_get_responses: status < 0 or offset + status
        // past the page drops the frame (rx_errors) but keeps the device.
        using var bed = Connected();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        bed.Backend.RespondRx(posted[0].Id, offset, NetRxFlags.None, status);
        bed.Backend.FillRx(posted[1], XennetTestBed.Frame(60), NetRxFlags.None);
        bed.Backend.PushRx();
        bed.Settle();

        Assert.Multiple(() =>
        {
            Assert.That(bed.GuestLog, Does.Contain($"xennet0: rx->offset: {offset}, size: {status}"));
            Assert.That(bed.Instance.IsBroken, Is.False, "Linux rejects the frame, it does not disable the device");
            Assert.That(bed.Instance.Statistics.RxRejected, Is.EqualTo(1));
            Assert.That(bed.Interface.Counters.InErrors, Is.EqualTo(1));
            Assert.That(bed.Received, Has.Count.EqualTo(1), "the next good frame still arrives");
            Assert.That(bed.Send(XennetTestBed.Frame(60)), Is.True, "TX still works");
        });
        AssertGuestStillRuns(bed);
        AssertCleanTeardown(bed);
    }

    [Test]
    public void ABackendThatNeverAnswersFillsTheTxRingAndTheFrontendStopsWithoutBreaking()
    {
        using var bed = Connected();
        int sent = 0;
        while (bed.Send(XennetTestBed.Frame(60, seed: (byte)sent)) && sent < 1000)
        {
            sent++;
        }

        bool sentAfterFull = bed.Send(XennetTestBed.Frame(60));
        Assert.Multiple(() =>
        {
            Assert.That(sent, Is.EqualTo(NetifRingSize), "one request per ring slot, then the ring is full");
            Assert.That(sentAfterFull, Is.False);
            Assert.That(bed.Instance.Statistics.TxQueueFull, Is.EqualTo(2), "each refused frame counted as Tx queue full");
            Assert.That(bed.Instance.Statistics.TxDropped, Is.EqualTo(2));
            Assert.That(bed.Interface.Counters.OutDrops, Is.EqualTo(2));
            Assert.That(bed.Instance.IsBroken, Is.False, "silence is not a protocol violation");
            Assert.That(bed.Guest.Grants.InUse, Is.EqualTo(2 + (2 * NetifRingSize)), "two rings, 256 RX buffers, 256 TX frames");
        });
        AssertGuestStillRuns(bed);

        // The backend never mapped the TX pages, so detach can end every grant.
        AssertCleanTeardown(bed);
    }

    [Test]
    public void ABackendThatNeverAnswersButHoldsTxMappingsIsReportedAtDetach()
    {
        using var bed = Connected();
        for (int i = 0; i < 4; i++)
        {
            Assert.That(bed.Send(XennetTestBed.Frame(60, seed: (byte)i)), Is.True);
        }

        List<NetifTxRequest> requests = bed.Backend.TakeTxRequests();
        var mappings = requests.Take(3).Select(r => bed.Backend.MapExtra(r.Gref, readOnly: true)).ToList();
        bed.Settle();
        Assert.That(bed.Instance.IsBroken, Is.False);
        AssertGuestStillRuns(bed);

        XennetInstance instance = bed.Instance;
        bed.CloseBoth();
        GrantRef[] held = [.. requests.Take(3).Select(r => r.Gref)];
        Assert.Multiple(() =>
        {
            Assert.That(instance.HeldAtDetach, Is.EquivalentTo(held));
            Assert.That(bed.GuestLog, Does.Contain(
                $"xennet0: detached with 3 grants still in use by backend domain 0 ({string.Join(", ", instance.HeldAtDetach.Select(g => g.Value))}); their pages are not freed"));
            Assert.That(bed.Guest.Grants.InUse, Is.EqualTo(3), "exactly the three the backend still maps");
        });

        foreach ((GrantHandle handle, Gfn at) in mappings)
        {
            bed.Backend.Unmap(handle, at);
        }
    }

    private const int NetifRingSize = 256;

    private static XennetTestBed Connected()
    {
        var bed = new XennetTestBed();
        bed.Connect();
        return bed;
    }

    private static XennetTestBed ConnectedWithOneTxRequest(out NetifTxRequest request)
    {
        XennetTestBed bed = Connected();
        Assert.That(bed.Send(XennetTestBed.Frame(60)), Is.True);
        request = bed.Backend.TakeTxRequests().Single();
        return bed;
    }

    /// <summary>The frontend's answer to a fatal violation: Linux's message, then the disable.</summary>
    [Test]
    public void ABrokenInterfaceDropsSendsAndIgnoresTheRings()
    {
        using var bed = new XennetTestBed();
        bed.Connect();
        List<NetifRxRequest> posted = bed.Backend.TakeRxRequests();
        bed.Backend.RespondRx(999, 0, NetRxFlags.None, 60);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.That(bed.Instance.IsBroken, Is.True);

        bed.Backend.FillRx(posted[1], XennetTestBed.Frame(60), NetRxFlags.None);
        bed.Backend.PushRx();
        bed.Settle();
        Assert.Multiple(() =>
        {
            Assert.That(bed.Send(XennetTestBed.Frame(60)), Is.False);
            Assert.That(bed.Interface.Counters.OutDrops, Is.EqualTo(1));
            Assert.That(bed.Backend.TakeTxRequests(), Is.Empty);
            Assert.That(bed.Received, Is.Empty);
        });

        bed.CloseBoth();
        Assert.That(bed.Machine.Outstanding(), Is.Empty);
        Assert.That(bed.Guest.Grants.InUse, Is.Zero);
    }

    private static void AssertBroken(XennetTestBed bed, string message)
    {
        Assert.Multiple(() =>
        {
            Assert.That(bed.Instance.IsBroken, Is.True);
            Assert.That(bed.Instance.BrokenReason, Is.EqualTo(message));
            Assert.That(bed.GuestLog, Does.Contain($"xennet0: {message}"));
            Assert.That(bed.GuestLog, Does.Contain("xennet0: Disabled for further use"));
            Assert.That(bed.Send(XennetTestBed.Frame(60)), Is.False, "a broken interface drops sends");
        });
        AssertGuestStillRuns(bed);
    }

    /// <summary>No crash: the domain is running and its vCPU still runs other work.</summary>
    private static void AssertGuestStillRuns(XennetTestBed bed)
    {
        bool ran = false;
        bed.OnGuest(() => ran = true);
        Assert.Multiple(() =>
        {
            Assert.That(bed.GuestDomain.State.ToString(), Is.EqualTo("Running"), "the guest did not crash");
            Assert.That(ran, Is.True, "a work item scheduled on the guest's vCPU after the attack ran");
        });
    }

    /// <summary>The backend releases its mappings and closes; the frontend detaches with no grant left granted.</summary>
    private static void AssertCleanTeardown(XennetTestBed bed)
    {
        XennetInstance instance = bed.Instance;
        bed.CloseBoth();
        Assert.Multiple(() =>
        {
            Assert.That(instance.HeldAtDetach, Is.Empty);
            Assert.That(bed.Guest.Grants.InUse, Is.Zero, "no grant left granted");
            Assert.That(bed.Machine.Outstanding(), Is.Empty);
            Assert.That(bed.GuestLog, Has.None.Contains("grants still in use"));
        });
    }
}
