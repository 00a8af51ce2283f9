using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>Transactions with C xenstored's conflict rule (transaction.c).</summary>
public class XenStoreCoreTransactionTests
{
    [Test]
    public void ChangesAreInvisibleOutsideUntilCommit()
    {
        var f = new XsFixture();
        uint tx = f.Dom0.Start();
        XsAssert.IsOk(f.Dom0.Write("/t/a", "1", tx), XsdSockmsgType.Write);
        XsAssert.HasValue(f.Dom0.Read("/t/a", tx), "1");
        XsAssert.IsError(f.Dom0.Read("/t/a"), "ENOENT");
        XsAssert.IsOk(f.Dom0.End(tx, commit: true), XsdSockmsgType.TransactionEnd);
        XsAssert.HasValue(f.Dom0.Read("/t/a"), "1");
    }

    [Test]
    public void AbortDiscardsEverything()
    {
        var f = new XsFixture();
        f.Dom0.Write("/keep", "old");
        uint tx = f.Dom0.Start();
        f.Dom0.Write("/keep", "new", tx);
        f.Dom0.Rm("/tool", tx);
        XsAssert.IsOk(f.Dom0.End(tx, commit: false), XsdSockmsgType.TransactionEnd);
        XsAssert.HasValue(f.Dom0.Read("/keep"), "old");
        XsAssert.HasValue(f.Dom0.Read("/tool"), string.Empty);
    }

    [Test]
    public void ReadsSeeTheSnapshotTakenAtStart()
    {
        var f = new XsFixture();
        f.Dom0.Write("/s", "before");
        uint tx = f.Dom0.Start();
        f.Dom0.Write("/s", "after");
        XsAssert.HasValue(f.Dom0.Read("/s", tx), "before");
    }

    [Test]
    public void ConflictOnANodeReadIsEagainAndNothingIsApplied()
    {
        var f = new XsFixture();
        f.Dom0.Write("/c/read", "1");
        uint tx = f.Dom0.Start();
        f.Dom0.Read("/c/read", tx);
        f.Dom0.Write("/c/written", "tx", tx);
        f.Guest1.Clear();
        f.Dom0.Write("/c/read", "outside");

        XsAssert.IsError(f.Dom0.End(tx, commit: true), "EAGAIN");
        XsAssert.IsError(f.Dom0.Read("/c/written"), "ENOENT");
        XsAssert.IsError(f.Dom0.End(tx, commit: true), "ENOENT");
    }

    [Test]
    public void DeletedNodeCountsAsChanged()
    {
        var f = new XsFixture();
        f.Dom0.Write("/del", "1");
        uint tx = f.Dom0.Start();
        f.Dom0.Read("/del", tx);
        f.Dom0.Rm("/del");
        XsAssert.IsError(f.Dom0.End(tx, commit: true), "EAGAIN");
    }

    [Test]
    public void NodeThatAppearedCountsAsChanged()
    {
        var f = new XsFixture();
        uint tx = f.Dom0.Start();
        XsAssert.IsError(f.Dom0.Read("/appear", tx), "ENOENT");
        f.Dom0.Write("/appear", "1");
        XsAssert.IsError(f.Dom0.End(tx, commit: true), "EAGAIN");
    }

    [Test]
    public void UnrelatedOutsideWriteDoesNotConflict()
    {
        var f = new XsFixture();
        f.Dom0.Write("/u/mine", "1");
        uint tx = f.Dom0.Start();
        f.Dom0.Read("/u/mine", tx);
        f.Dom0.Write("/u/mine", "2", tx);
        f.Dom0.Write("/elsewhere", "x");
        XsAssert.IsOk(f.Dom0.End(tx, commit: true), XsdSockmsgType.TransactionEnd);
        XsAssert.HasValue(f.Dom0.Read("/u/mine"), "2");
        XsAssert.HasValue(f.Dom0.Read("/elsewhere"), "x");
    }

    [Test]
    public void TwoTransactionsReadingEachOthersWritesTheSecondFails()
    {
        var f = new XsFixture();
        f.Dom0.Write("/A", "a");
        f.Dom0.Write("/B", "b");
        uint t1 = f.Dom0.Start();
        uint t2 = f.Dom0.Start();
        f.Dom0.Read("/A", t1);
        f.Dom0.Read("/B", t2);
        f.Dom0.Write("/B", "t1", t1);
        f.Dom0.Write("/A", "t2", t2);
        XsAssert.IsOk(f.Dom0.End(t1, commit: true), XsdSockmsgType.TransactionEnd);
        XsAssert.IsError(f.Dom0.End(t2, commit: true), "EAGAIN");
        XsAssert.HasValue(f.Dom0.Read("/A"), "a");
        XsAssert.HasValue(f.Dom0.Read("/B"), "t1");
    }

    [Test]
    public void EmptyTransactionCommits()
    {
        var f = new XsFixture();
        uint tx = f.Guest1.Start();
        XsAssert.IsOk(f.Guest1.End(tx, commit: true), XsdSockmsgType.TransactionEnd);
    }

    [Test]
    public void RmAndMkdirInsideATransactionApplyAtCommit()
    {
        var f = new XsFixture();
        f.Dom0.Write("/x/y/z", "1");
        uint tx = f.Dom0.Start();
        f.Dom0.Rm("/x/y", tx);
        f.Dom0.Mkdir("/x/new", tx);
        f.Dom0.SetPerms("/x/new", "n0", "r1");
        XsAssert.HasValue(f.Dom0.Read("/x/y/z"), "1");
        XsAssert.IsOk(f.Dom0.End(tx, commit: true), XsdSockmsgType.TransactionEnd);
        XsAssert.IsError(f.Dom0.Read("/x/y/z"), "ENOENT");
        Assert.That(f.Dom0.Directory("/x").Strings, Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public void StartWithATransactionIdIsEbusy()
    {
        var f = new XsFixture();
        uint tx = f.Dom0.Start();
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.TransactionStart, XsTestClient.Args(string.Empty), tx), "EBUSY");
    }

    [Test]
    public void UnknownTransactionIdIsEnoent()
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Dom0.Read("/tool", tx: 4242), "ENOENT");
        XsAssert.IsError(f.Dom0.Write("/tool", "x", tx: 4242), "ENOENT");
        XsAssert.IsError(f.Dom0.End(4242, commit: true), "ENOENT");
        XsAssert.IsError(f.Dom0.End(0, commit: true), "ENOENT");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.GetDomainPath, XsTestClient.Args("1"), 4242), "ENOENT");
    }

    [Test]
    public void TransactionIdsBelongToTheirConnection()
    {
        var f = new XsFixture();
        uint tx = f.Guest1.Start();
        XsAssert.IsError(f.Guest2.Read("data", tx), "ENOENT");
    }

    [TestCase("X")]
    [TestCase("TF")]
    [TestCase("")]
    public void EndWithAnythingButTOrFIsEinval(string arg)
    {
        var f = new XsFixture();
        uint tx = f.Dom0.Start();
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.TransactionEnd, XsTestClient.Args(arg), tx), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.TransactionEnd, "T"u8.ToArray(), tx), "EINVAL");
        XsAssert.IsOk(f.Dom0.End(tx, commit: false), XsdSockmsgType.TransactionEnd);
    }

    [Test]
    public void IdsCountUpPerConnectionFromOne()
    {
        var f = new XsFixture();
        Assert.That(f.Guest1.Start(), Is.EqualTo(1u));
        Assert.That(f.Guest1.Start(), Is.EqualTo(2u));
        Assert.That(f.Guest2.Start(), Is.EqualTo(1u));
    }

    [Test]
    public void WatchEventsOfATransactionFireOnlyAtCommit()
    {
        var f = new XsFixture();
        f.Dom0.Watch("/w", "tok");
        f.Dom0.Clear();
        uint tx = f.Dom0.Start();
        f.Dom0.Write("/w/a", "1", tx);
        f.Dom0.Write("/w/a", "2", tx);
        Assert.That(f.Dom0.Events, Is.Empty);
        f.Dom0.End(tx, commit: true);
        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "/w/a tok" }));
    }

    [Test]
    public void FailedOrAbortedTransactionFiresNothing()
    {
        var f = new XsFixture();
        f.Dom0.Write("/w/r", "0");
        f.Dom0.Watch("/w", "tok");
        uint aborted = f.Dom0.Start();
        f.Dom0.Write("/w/a", "1", aborted);
        uint failed = f.Dom0.Start();
        f.Dom0.Read("/w/r", failed);
        f.Dom0.Write("/w/b", "1", failed);
        f.Dom0.Write("/w/r", "outside");
        f.Dom0.Clear();
        f.Dom0.End(aborted, commit: false);
        XsAssert.IsError(f.Dom0.End(failed, commit: true), "EAGAIN");
        Assert.That(f.Dom0.Events, Is.Empty);
    }

    [Test]
    public void GuestTransactionCreatesOwnedNodes()
    {
        var f = new XsFixture();
        uint tx = f.Guest1.Start();
        XsAssert.IsOk(f.Guest1.Write("data/t", "v", tx), XsdSockmsgType.Write);
        XsAssert.IsOk(f.Guest1.End(tx, commit: true), XsdSockmsgType.TransactionEnd);
        Assert.That(f.Dom0.GetPerms("/local/domain/1/data/t").Strings, Is.EqualTo(new[] { "n1" }));
    }
}
