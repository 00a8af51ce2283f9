using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>Watches (docs/misc/xenstore.txt; watch.c).</summary>
public class XenStoreCoreWatchTests
{
    [Test]
    public void WatchRepliesOkThenItsFirstEventAtOnce()
    {
        var f = new XsFixture();
        f.Core.Process(f.Dom0.Connection, XsdSockmsgType.Watch, 9, 77, XsTestClient.Args("/w", "tok"));
        IReadOnlyList<XsMessage> got = f.Dom0.Received;
        Assert.That(got, Has.Count.EqualTo(2));
        Assert.That(got[0].Type, Is.EqualTo(XsdSockmsgType.Watch));
        Assert.That((got[0].ReqId, got[0].TxId, got[0].Text), Is.EqualTo((9u, 77u, "OK\0")));
        Assert.That(got[1].Type, Is.EqualTo(XsdSockmsgType.WatchEvent));
        Assert.That((got[1].ReqId, got[1].TxId, got[1].Text), Is.EqualTo((0u, 0u, "/w\0tok\0")));
    }

    [Test]
    public void WriteFiresWatchesOnThePathAndItsAncestorsOnly()
    {
        var f = new XsFixture();
        f.Dom0.Watch("/", "root");
        f.Dom0.Watch("/a", "a");
        f.Dom0.Watch("/a/b", "ab");
        f.Dom0.Watch("/a/b/c", "abc");
        f.Dom0.Watch("/ab", "sibling");
        f.Dom0.Clear();
        f.Dom0.Write("/a/b", "v");
        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "/a/b root", "/a/b a", "/a/b ab" }));
    }

    [Test]
    public void WriterGetsItsOwnEventsBeforeItsOk()
    {
        var f = new XsFixture();
        f.Dom0.Watch("/o", "t");
        f.Dom0.Clear();
        f.Dom0.Write("/o/x", "1");
        Assert.That(f.Dom0.Received.Select(m => m.Type), Is.EqualTo(new[] { XsdSockmsgType.WatchEvent, XsdSockmsgType.Write }));
    }

    [Test]
    public void WriteOfTheSameValueStillFires()
    {
        var f = new XsFixture();
        f.Dom0.Write("/same", "v");
        f.Dom0.Watch("/same", "t");
        f.Dom0.Clear();
        f.Dom0.Write("/same", "v");
        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "/same t" }));
    }

    [Test]
    public void WriteCreatingParentsFiresOneEventForTheWrittenPath()
    {
        var f = new XsFixture();
        f.Dom0.Watch("/p", "t");
        f.Dom0.Clear();
        f.Dom0.Write("/p/q/r", "v");
        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "/p/q/r t" }));
    }

    [Test]
    public void MkdirFiresOnlyWhenItCreates()
    {
        var f = new XsFixture();
        f.Dom0.Watch("/m", "t");
        f.Dom0.Clear();
        f.Dom0.Mkdir("/m/d");
        f.Dom0.Mkdir("/m/d");
        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "/m/d t" }));
    }

    [Test]
    public void RmFiresDeepestFirstEachDescendantOnlyItsExactWatches()
    {
        var f = new XsFixture();
        f.Dom0.Write("/r/a/b", "1");
        f.Dom0.Write("/r/c", "1");
        f.Dom0.Watch("/", "root");
        f.Dom0.Watch("/r", "r");
        f.Dom0.Watch("/r/a", "ra");
        f.Dom0.Watch("/r/a/b", "rab");
        f.Dom0.Watch("/r/c", "rc");
        f.Dom0.Clear();
        f.Dom0.Rm("/r");
        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "/r/a/b rab", "/r/a ra", "/r/c rc", "/r root", "/r r" }));
    }

    [Test]
    public void RmOfAMissingNodeFiresNothing()
    {
        var f = new XsFixture();
        f.Dom0.Watch("/", "root");
        f.Dom0.Clear();
        f.Dom0.Rm("/local/ghost");
        Assert.That(f.Dom0.Events, Is.Empty);
    }

    [Test]
    public void SetPermsFires()
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/sp");
        f.Dom0.Watch("/sp", "t");
        f.Dom0.Clear();
        f.Dom0.SetPerms("/sp", "n0", "r1");
        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "/sp t" }));
    }

    [Test]
    public void SetPermsRemovingAccessStillTellsTheWatcherThatLostIt()
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/lost");
        f.Dom0.SetPerms("/lost", "n0", "r1");
        f.Guest1.Watch("/lost", "t");
        f.Guest1.Clear();
        f.Dom0.SetPerms("/lost", "n0");
        Assert.That(f.Guest1.Events, Is.EqualTo(new[] { "/lost t" }));
        f.Guest1.Clear();
        f.Dom0.Write("/lost", "now hidden");
        Assert.That(f.Guest1.Events, Is.Empty);
    }

    [Test]
    public void GuestHearsOnlyOfNodesItCanRead()
    {
        var f = new XsFixture();
        f.Guest1.Watch("/", "all");
        f.Guest1.Clear();
        f.Guest2.Write("private", "x");
        f.Dom0.Write("/vm/hidden", "x");
        f.Guest1.Write("mine", "x");
        Assert.That(f.Guest1.Events, Is.EqualTo(new[] { "/local/domain/1/mine all" }));
    }

    [Test]
    public void RelativeWatchReportsRelativePaths()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Guest1.Watch("device", "dev"), XsdSockmsgType.Watch);
        f.Guest1.Write("device/vif/0/state", "1");
        f.Dom0.Write("/local/domain/1/device/vif/0/backend", "x");
        Assert.That(f.Guest1.Events, Is.EqualTo(new[] { "device dev", "device/vif/0/state dev", "device/vif/0/backend dev" }));
    }

    [Test]
    public void DepthLimitsHowFarBelowTheWatchMatches()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Dom0.Send(XsdSockmsgType.Watch, XsTestClient.Args("/d", "one", "1")), XsdSockmsgType.Watch);
        f.Dom0.Clear();
        f.Dom0.Write("/d", "0");
        f.Dom0.Write("/d/a", "1");
        f.Dom0.Write("/d/a/b", "2");
        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "/d one", "/d/a one" }));
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Watch, XsTestClient.Args("/d", "bad", "x")), "EINVAL");
    }

    [Test]
    public void DuplicateWatchIsEexistButAnotherTokenIsFine()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Guest1.Watch("data", "t"), XsdSockmsgType.Watch);
        XsAssert.IsError(f.Guest1.Watch("data", "t"), "EEXIST");
        XsAssert.IsError(f.Guest1.Watch("/local/domain/1/data", "t"), "EEXIST");
        XsAssert.IsOk(f.Guest1.Watch("data", "u"), XsdSockmsgType.Watch);
    }

    [Test]
    public void UnwatchNeedsAnExactMatch()
    {
        var f = new XsFixture();
        f.Guest1.Watch("data", "t");
        XsAssert.IsError(f.Guest1.Unwatch("data", "other"), "ENOENT");
        XsAssert.IsOk(f.Guest1.Unwatch("/local/domain/1/data", "t"), XsdSockmsgType.Unwatch);
        XsAssert.IsError(f.Guest1.Unwatch("data", "t"), "ENOENT");
        f.Guest1.Clear();
        f.Guest1.Write("data/x", "1");
        Assert.That(f.Guest1.Events, Is.Empty);
    }

    [Test]
    public void WatchIgnoresTxIdButKeepsItInTheReply()
    {
        var f = new XsFixture();
        XsMessage reply = f.Dom0.Send(XsdSockmsgType.Watch, XsTestClient.Args("/x", "t"), txId: 999);
        XsAssert.IsOk(reply, XsdSockmsgType.Watch);
        Assert.That(reply.TxId, Is.EqualTo(999u));
    }

    [Test]
    public void WatchPayloadsAreValidated()
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Watch, XsTestClient.Args("/x")), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Watch, XsTestClient.Args("/x", "t", "1", "2")), "EINVAL");
        XsAssert.IsError(f.Dom0.Watch("/x//y", "t"), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Unwatch, XsTestClient.Args("/x")), "EINVAL");
    }

    [Test]
    public void ResetWatchesDropsWatchesAndTransactions()
    {
        var f = new XsFixture();
        f.Guest1.Watch("data", "t");
        uint tx = f.Guest1.Start();
        XsAssert.IsOk(f.Guest1.Send(XsdSockmsgType.ResetWatches, XsTestClient.Args(string.Empty)), XsdSockmsgType.ResetWatches);
        Assert.That(f.Guest1.Connection.WatchCount, Is.Zero);
        Assert.That(f.Guest1.Connection.TransactionCount, Is.Zero);
        XsAssert.IsError(f.Guest1.End(tx, commit: true), "ENOENT");
    }

    [Test]
    public void SpecialWatchesFireForPrivilegedOrPermittedWatchers()
    {
        var f = new XsFixture();
        f.Dom0.Watch("@introduceDomain", "intro");
        f.Dom0.Watch("@releaseDomain", "rel");
        f.Guest1.Watch("@releaseDomain", "g1rel");
        f.Guest2.Watch("@releaseDomain", "g2rel");
        f.Dom0.SetPerms("@releaseDomain", "n0", "r2");
        f.Dom0.Clear();
        f.Guest1.Clear();
        f.Guest2.Clear();

        f.Core.IntroduceDomain(new XvifSim.Public.DomId(3));
        f.Core.ReleaseDomain(new XvifSim.Public.DomId(3));

        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "@introduceDomain intro", "@releaseDomain rel" }));
        Assert.That(f.Guest1.Events, Is.Empty);
        Assert.That(f.Guest2.Events, Is.EqualTo(new[] { "@releaseDomain g2rel" }));
    }

    [Test]
    public void SinkMayReenterTheCore()
    {
        var core = new Emulator.XenStore.XenStoreCore();
        var seen = new List<string>();
        Emulator.XenStore.XsConnection? conn = null;
        conn = core.Connect(XvifSim.Public.DomId.Dom0, true, (type, _, _, payload) =>
        {
            seen.Add($"{type}");
            if (type == XsdSockmsgType.WatchEvent && seen.Count < 4)
            {
                core.Process(conn!, XsdSockmsgType.Read, 5, 0, XsTestClient.Args("/tool"));
            }
        });
        core.Process(conn, XsdSockmsgType.Watch, 1, 0, XsTestClient.Args("/tool", "t"));
        Assert.That(seen, Is.EqualTo(new[] { "Watch", "WatchEvent", "Read" }));
    }

    [Test]
    public void ConcurrentWritersAllReachTheWatcher()
    {
        var f = new XsFixture();
        f.Dom0.Watch("/c", "t");
        f.Dom0.Clear();
        var writers = Enumerable.Range(0, 4).Select(_ => new XsTestClient(f.Core, XvifSim.Public.DomId.Dom0, true)).ToArray();
        Parallel.For(0, 4, w =>
        {
            for (int i = 0; i < 200; i++)
            {
                writers[w].Write($"/c/{w}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        Assert.That(f.Dom0.Events, Has.Count.EqualTo(800));
        Assert.That(f.Dom0.Events.Where(e => e.StartsWith("/c/0 ", StringComparison.Ordinal)).Count(), Is.EqualTo(200));
    }
}
