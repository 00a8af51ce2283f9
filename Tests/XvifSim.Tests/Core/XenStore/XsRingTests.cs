using System.Text;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.XenStore;
using XvifSim.Tests.Guest.Xenbus;
using static XvifSim.Public.XenStore.XenstoreDomainInterface;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>
/// xenstored's end of the rings (XsRingConnection, XenStoreService) driven by
/// hand-written bytes: malformed and hostile rings are answered as
/// docs/reference/xenstore.md ("Wire format", "Ring page") says and never disturb another domain; fairness and the
/// watch-event cap; the domain lifecycle; determinism with the store in the
/// loop. All under the deterministic scheduler, so each run is exact.
/// </summary>
public sealed class XsRingTests
{
    private XenbusTestBed _bed = null!;

    [SetUp]
    public void SetUp() => _bed = new XenbusTestBed(seed: 11);

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void APayloadOverTheMaximumStopsThatRingOnlyWithError3()
    {
        Domain bad = _bed.AddBareGuest("bad");
        XenbusGuest good = _bed.AddGuest("good");
        var raw = new RawXsRing(bad);
        raw.Send(RawXsRing.Message(XsdSockmsgType.Watch, 1, "data", "tok"));
        _bed.Settle();
        Assert.That(raw.Take(), Has.Count.EqualTo(2), "the WATCH reply and first event");
        byte[] header = new byte[XsdSockmsg.Size];
        new XsdSockmsg(XsdSockmsgType.Write, 2, 0, 5000).Write(header);
        raw.Send(header);

        _bed.RunUntil(() => raw.Error != XenstoreRingError.None, "the error field is set");
        raw.Send(RawXsRing.Message(XsdSockmsgType.Read, 3, "name"));
        Assert.That(_bed.Store.Write($"/local/domain/{bad.Id.Value}/data/x", "1"), Is.EqualTo(Errno.Ok));
        AssertStillServed(good);

        Assert.Multiple(() =>
        {
            Assert.That(raw.Error, Is.EqualTo(XenstoreRingError.Proto));
            Assert.That(_bed.Machine.XenStore.Ring(bad.Id)!.Error, Is.EqualTo(XenstoreRingError.Proto));
            Assert.That(_bed.Logged, Has.One.Contains($"{bad.Id}").And.Contains("5000"));
            Assert.That(raw.Take(), Is.Empty, "nothing more is answered or sent on a broken ring");

            // As C's ignore_connection: its watches (and transactions) go.
            Assert.That(_bed.Machine.XenStore.Ring(bad.Id)!.Connection.WatchCount, Is.Zero);
        });
    }

    [Test]
    public void AConsumerPastTheProducerOnRspStopsThatRingWithError2()
    {
        Domain bad = _bed.AddBareGuest("bad");
        XenbusGuest good = _bed.AddGuest("good");
        var raw = new RawXsRing(bad);
        SharedBits.WriteU32(raw.Page, RspConsOffset, raw.RspProd + 5000);
        raw.Send(RawXsRing.Message(XsdSockmsgType.Read, 1, "name"));

        _bed.RunUntil(() => raw.Error != XenstoreRingError.None, "the error field is set");
        AssertStillServed(good);

        Assert.Multiple(() =>
        {
            Assert.That(raw.Error, Is.EqualTo(XenstoreRingError.RingIdx));
            Assert.That(raw.RspProd, Is.Zero, "nothing was written");
            Assert.That(_bed.Logged, Has.One.Contains("rsp_cons"));
        });
    }

    [Test]
    public void AClientWhoseServerStoppedFailsItsRequestsWithEio()
    {
        // The guest kernel itself corrupts its ring (a bug in it, or a stray
        // write): the server sets error 3, and the client, which sees the
        // error field, fails the request instead of waiting for ever.
        XenbusGuest guest = _bed.AddGuest("buggy");
        var raw = new RawXsRing(guest.Domain);
        byte[] header = new byte[XsdSockmsg.Size];
        new XsdSockmsg(XsdSockmsgType.Write, 99, 0, 5000).Write(header);
        raw.Send(header);
        _bed.RunUntil(() => raw.Error != XenstoreRingError.None, "the error field is set");

        XsResult<string> read = default;
        _bed.Run(guest, async () => read = await guest.Client.ReadAsync("name"));

        Assert.Multiple(() =>
        {
            Assert.That(read.Error, Is.EqualTo(Errno.EIO));
            Assert.That(guest.Client.Broken, Does.Contain("error 3"));
        });
    }

    [Test]
    public void AGuestThatSendsButNeverReadsRepliesIsThrottled()
    {
        // It fills req[] again every time the server makes room, and never
        // reads rsp[]. The server queues at most MaxQueuedReplies replies
        // beyond what rsp[] holds, then leaves its requests unread.
        Domain deaf = _bed.AddBareGuest("deaf");
        XenbusGuest good = _bed.AddGuest("good");
        var raw = new RawXsRing(deaf);
        byte[] request = RawXsRing.Message(XsdSockmsgType.Read, 0, "name");
        uint sent = 0;
        for (int round = 0; round < 20; round++)
        {
            while (RingSize - (raw.ReqProd - raw.ReqCons) >= request.Length)
            {
                BitConverter.TryWriteBytes(request.AsSpan(XsdSockmsg.ReqIdOffset), ++sent);
                raw.Push(request);
            }

            Assert.That(raw.Notify(), Is.EqualTo(Errno.Ok));
            _bed.Settle();
        }

        AssertStillServed(good);
        uint consumed = raw.ReqCons / (uint)request.Length;
        int replySize = XsdSockmsg.Size + "deaf".Length;
        uint fitInRsp = (uint)(RingSize / replySize) + 1;

        Assert.Multiple(() =>
        {
            Assert.That(raw.ReqProd - raw.ReqCons, Is.GreaterThan(RingSize - request.Length), "req[] is left full");
            Assert.That(consumed, Is.LessThanOrEqualTo(fitInRsp + XsRingConnection.MaxQueuedReplies));
            Assert.That(raw.Error, Is.EqualTo(XenstoreRingError.None));
        });

        // Once it reads, the server answers everything, in order.
        var replies = new List<(XsdSockmsg Header, string Payload)>();
        for (int round = 0; round < 200 && replies.Count < sent; round++)
        {
            replies.AddRange(raw.Take());
            Assert.That(raw.Notify(), Is.EqualTo(Errno.Ok));
            _bed.Settle();
        }

        Assert.Multiple(() =>
        {
            Assert.That(replies.Select(r => r.Header.ReqId), Is.EqualTo(Enumerable.Range(1, (int)sent).Select(i => (uint)i)));
            Assert.That(replies.Select(r => r.Payload), Is.All.EqualTo("deaf"));
        });
    }

    [Test]
    public void AProducerMoreThanARingAheadStopsThatRingOnlyWithError2()
    {
        Domain bad = _bed.AddBareGuest("bad");
        XenbusGuest good = _bed.AddGuest("good");
        var raw = new RawXsRing(bad);
        raw.ReqProd = raw.ReqCons + 2000;
        Assert.That(raw.Notify(), Is.EqualTo(Errno.Ok));

        _bed.RunUntil(() => raw.Error != XenstoreRingError.None, "the error field is set");
        AssertStillServed(good);

        Assert.Multiple(() =>
        {
            Assert.That(raw.Error, Is.EqualTo(XenstoreRingError.RingIdx));
            Assert.That(raw.ReqCons, Is.Zero, "nothing was consumed");
            Assert.That(_bed.Logged, Has.One.Contains($"{bad.Id}").And.Contains("2000"));
        });
    }

    [Test]
    public void AMessageSplitOverTwoNotificationsIsAnsweredOnceComplete()
    {
        Domain guest = _bed.AddBareGuest("split");
        var raw = new RawXsRing(guest);
        byte[] message = RawXsRing.Message(XsdSockmsgType.Read, 42, "name");
        raw.Send(message[..XsdSockmsg.Size]);
        _bed.RunUntil(() => raw.ReqCons == raw.ReqProd, "the header is consumed");
        _bed.Settle();
        uint before = raw.RspProd;

        raw.Send(message[XsdSockmsg.Size..]);
        _bed.RunUntil(() => raw.RspProd != before, "the reply");

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.Zero, "no reply to half a message");
            Assert.That(raw.Take(), Is.EqualTo(new[] { (new XsdSockmsg(XsdSockmsgType.Read, 42, 0, 5), "split") }));
        });
    }

    [Test]
    public void IndicesThatCrossTheThirtyTwoBitWrapAreFollowed()
    {
        // Indices are free-running u32s and need not start at 0 (xenstore-ring.txt).
        Domain guest = _bed.AddBareGuest("wrap");
        var raw = new RawXsRing(guest);
        const uint Start = 0xFFFF_FFF0;
        foreach (int offset in new[] { ReqConsOffset, ReqProdOffset, RspConsOffset, RspProdOffset })
        {
            SharedBits.WriteU32(raw.Page, offset, Start);
        }

        var replies = new List<(XsdSockmsg, string)>();
        for (uint id = 1; id <= 3; id++)
        {
            raw.Send(RawXsRing.Message(XsdSockmsgType.Read, id, "name"));
            _bed.RunUntil(() => raw.RspProd != raw.RspCons, "a reply");
            _bed.Settle();
            replies.AddRange(raw.Take());
        }

        Assert.Multiple(() =>
        {
            Assert.That(replies.Select(r => r.Item1.ReqId), Is.EqualTo(new uint[] { 1, 2, 3 }));
            Assert.That(replies.Select(r => r.Item2), Is.All.EqualTo("wrap"));
            Assert.That(raw.ReqCons, Is.LessThan(Start), "req_cons wrapped");
            Assert.That(raw.Error, Is.EqualTo(XenstoreRingError.None));
        });
    }

    [Test]
    public void AnUnknownTypeIsAnsweredEnosys()
    {
        Domain guest = _bed.AddBareGuest("odd");
        var raw = new RawXsRing(guest);
        raw.Send(RawXsRing.Message((XsdSockmsgType)0x1234, 9, "x"));
        _bed.RunUntil(() => raw.RspProd != 0, "the reply");

        Assert.That(raw.Take(), Is.EqualTo(new[] { (new XsdSockmsg(XsdSockmsgType.Error, 9, 0, 7), "ENOSYS\0") }));
    }

    [Test]
    public void AFloodingGuestDoesNotStopAnotherBeingAnswered()
    {
        XenbusGuest flooder = _bed.AddGuest("flooder");
        XenbusGuest victim = _bed.AddGuest("victim");
        const int Flood = 3000;
        int flooded = 0;
        _bed.Start(flooder, async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, Flood).Select(async _ =>
            {
                await flooder.Client.ReadAsync("data/none");
                flooded++;
            }));
        });
        var raw = new RawXsRing(flooder.Domain);
        _bed.RunUntil(() => raw.ReqCons > 4 * RingSize, "the flood has filled the ring a few times");

        ulong stepNs = ((DeterministicScheduler)_bed.Machine.Scheduler).StepNs;
        var steps = new List<ulong>();
        var floodBytes = new List<uint>();
        bool victimDone = false;
        _bed.Start(victim, async () =>
        {
            for (int i = 0; i < 5; i++)
            {
                ulong started = _bed.Machine.Scheduler.NowNs;
                uint floodConsumed = raw.ReqCons;
                XsResult<string> name = await victim.Client.ReadAsync("name");
                Assert.That(name.Value, Is.EqualTo("victim"));
                steps.Add((_bed.Machine.Scheduler.NowNs - started) / stepNs);
                floodBytes.Add(raw.ReqCons - floodConsumed);
            }

            victimDone = true;
        });
        _bed.RunUntil(() => victimDone, "the victim's reads");
        int floodedWhenVictimDone = flooded;
        _bed.RunAll();

        TestContext.Out.WriteLine($"victim read latencies in steps: {string.Join(", ", steps)}; flood bytes consumed meanwhile: {string.Join(", ", floodBytes)}; flood done {floodedWhenVictimDone}/{Flood}");
        Assert.Multiple(() =>
        {
            Assert.That(floodedWhenVictimDone, Is.LessThan(Flood), "the flood was still going");
            Assert.That(steps, Is.All.LessThan(MaxVictimSteps));

            // The flood's requests are READ data/none: 26 bytes each.
            Assert.That(floodBytes, Is.All.LessThanOrEqualTo(2 * XsRingConnection.RequestsPerPass * 26), "at most two passes over the flood per answer");
            Assert.That(flooded, Is.EqualTo(Flood));
        });
    }

    [Test]
    public void WatchEventsForAGuestThatNeverReadsItsRingAreCapped()
    {
        Domain deaf = _bed.AddBareGuest("deaf");
        XenbusGuest good = _bed.AddGuest("good");
        var raw = new RawXsRing(deaf);
        string data = $"/local/domain/{deaf.Id.Value}/data";
        raw.Send(RawXsRing.Message(XsdSockmsgType.Watch, 1, data, "tok"));
        _bed.Settle();
        uint produced = raw.RspProd;

        const int Writes = XsRingConnection.MaxQueuedEvents + 200;
        for (int i = 0; i < Writes; i++)
        {
            Assert.That(_bed.Store.Write($"{data}/x", $"{i}"), Is.EqualTo(Errno.Ok));
        }

        _bed.Settle();
        AssertStillServed(good);
        XsRingConnection ring = _bed.Machine.XenStore.Ring(deaf.Id)!;

        Assert.Multiple(() =>
        {
            Assert.That(produced, Is.GreaterThan(0), "the WATCH reply and first event were written");
            Assert.That(raw.RspProd - raw.RspCons, Is.GreaterThan(RingSize - 64), "the rsp ring is full");
            Assert.That(ring.DroppedEvents, Is.EqualTo(Writes - XsRingConnection.MaxQueuedEvents), "events past the cap are dropped");
            Assert.That(ring.Error, Is.EqualTo(XenstoreRingError.None), "a slow reader is not a protocol violation");
        });

        // Once the guest reads, the queued events flow again.
        int seen = raw.Take().Count;
        Assert.That(raw.Notify(), Is.EqualTo(Errno.Ok));
        _bed.Settle();
        Assert.That(seen + raw.Take().Count, Is.GreaterThan(seen));
    }

    [Test]
    public void DestroyingAGuestFiresReleaseDomainToDom0AndLeavesNothingHeld()
    {
        XenbusGuest guest = _bed.AddGuest("doomed");
        var events = new List<string>();
        _bed.Run(_bed.Dom0, async () => await _bed.Dom0.Client.WatchAsync("@releaseDomain", "rel", (path, _) => events.Add(path)));
        _bed.Run(guest, async () => Assert.That(await guest.Client.WriteAsync("data/x", "1"), Is.EqualTo(Errno.Ok)));
        _bed.RunUntil(() => events.Count == 1, "the first event");

        _bed.Machine.DestroyDomain(guest.Domain.Id);
        _bed.RunUntil(() => events.Count == 2, "@releaseDomain");
        _bed.Settle();

        Assert.Multiple(() =>
        {
            Assert.That(events, Is.EqualTo(new[] { "@releaseDomain", "@releaseDomain" }));
            Assert.That(_bed.Machine.XenStore.Ring(guest.Domain.Id), Is.Null);
            Assert.That(_bed.Machine.XenStore.Core.IsIntroduced(guest.Domain.Id), Is.False);
            Assert.That(_bed.Machine.Outstanding(), Is.Empty);
        });
    }

    [Test]
    public void CreatingAGuestFiresIntroduceDomainToDom0()
    {
        var events = new List<string>();
        _bed.Run(_bed.Dom0, async () => await _bed.Dom0.Client.WatchAsync("@introduceDomain", "intro", (path, _) => events.Add(path)));
        _bed.RunUntil(() => events.Count == 1, "the first event");

        Domain guest = _bed.AddBareGuest("new");
        _bed.RunUntil(() => events.Count == 2, "@introduceDomain");

        Assert.Multiple(() =>
        {
            Assert.That(events, Is.EqualTo(new[] { "@introduceDomain", "@introduceDomain" }));
            Assert.That(_bed.Machine.XenStore.Core.IsIntroduced(guest.Id), Is.True);
        });
    }

    [Test]
    public void TheRingPageAdvertisesErrorAndWatchDepth()
    {
        Domain guest = _bed.AddBareGuest("g");

        Assert.Multiple(() =>
        {
            foreach (Domain domain in new[] { guest, _bed.Machine.Dom0 })
            {
                var raw = new RawXsRing(domain);
                Assert.That(raw.ServerFeatures, Is.EqualTo(XenstoreServerFeatures.Error | XenstoreServerFeatures.WatchDepth), $"{domain}");
                Assert.That(raw.Error, Is.EqualTo(XenstoreRingError.None));
            }
        });
    }

    [Test]
    public void TheStorePortIsInterdomainToDom0()
    {
        Domain guest = _bed.AddBareGuest("g");
        var status = new EvtchnStatus { Dom = guest.Id, Port = guest.Hypercalls.StartInfo.StoreEvtchn };

        Assert.That(guest.Hypercalls.EventChannel.Status(ref status), Is.EqualTo(Errno.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(status.Port.Value, Is.Not.Zero);
            Assert.That(status.Status, Is.EqualTo(EvtchnStatusKind.Interdomain));
            Assert.That(status.InterdomainDom, Is.EqualTo(DomId.Dom0));
            Assert.That(status.InterdomainPort, Is.EqualTo(_bed.Machine.XenStore.Ring(guest.Id)!.ServerPort));
        });
    }

    [Test]
    public void TheSameSeedGivesTheSameRingTraffic()
    {
        string first = Trace(seed: 5);
        string again = Trace(seed: 5);
        string other = Trace(seed: 6);

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(first));
            Assert.That(other, Is.Not.EqualTo(first), "the seed does change the interleaving");
        });
    }

    /// <summary>Steps within which the victim of a flood must be answered (it takes 6 to 16 with this seed).</summary>
    private const ulong MaxVictimSteps = 64;

    /// <summary>Two guests pipelining writes, reads and a watch; every step's ring indices and every reply, as text.</summary>
    private static string Trace(int seed)
    {
        using var bed = new XenbusTestBed(seed: seed);
        XenbusGuest[] guests = [bed.AddGuest("a"), bed.AddGuest("b")];
        var log = new StringBuilder();
        int finished = 0;
        foreach (XenbusGuest guest in guests)
        {
            XenbusClient xs = guest.Client;
            bed.Start(guest, async () =>
            {
                await xs.WatchAsync("data", "w", (path, token) => log.AppendLine($"{guest.Domain.Id} event {path} {token}"));
                Errno[] writes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => xs.WriteAsync($"data/k{i}", new string('v', 100 + i))));
                XsResult<string>[] reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => xs.ReadAsync($"data/k{i}")));
                log.AppendLine($"{guest.Domain.Id} wrote {string.Join(",", writes)} read {string.Join(",", reads.Select(r => r.Value!.Length))}");
                finished++;
            });
        }

        bool done = bed.Machine.Scheduler.RunUntil(() =>
        {
            log.Append(bed.Machine.Scheduler.NowNs);
            foreach (XenbusGuest guest in guests)
            {
                Span<byte> page = guest.Domain.XenstoreRing.Span;
                log.Append(' ').Append(SharedBits.ReadU32(page, ReqConsOffset)).Append('/').Append(SharedBits.ReadU32(page, ReqProdOffset))
                    .Append(' ').Append(SharedBits.ReadU32(page, RspConsOffset)).Append('/').Append(SharedBits.ReadU32(page, RspProdOffset));
            }

            log.AppendLine();
            return finished == guests.Length;
        }, XenbusTestBed.Limit);
        Assert.That(done, Is.True, "the traced run finished");
        return log.ToString();
    }

    private void AssertStillServed(XenbusGuest good)
    {
        var results = new List<object>();
        _bed.Run(good, async () =>
        {
            results.Add(await good.Client.WriteAsync("data/alive", "yes"));
            results.Add((await good.Client.ReadAsync("data/alive")).Value!);
        });
        Assert.That(results, Is.EqualTo(new object[] { Errno.Ok, "yes" }), "another guest is still served");
    }
}
