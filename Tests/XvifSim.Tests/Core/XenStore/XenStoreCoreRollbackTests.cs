using XvifSim.Emulator.XenStore;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>
/// The store changes in place, so a request that fails part-way must be
/// undone, and an open transaction must keep seeing the store as it was at
/// its start however the main store changes meanwhile (transaction.c).
/// </summary>
public class XenStoreCoreRollbackTests
{
    [Test]
    public void AWriteThatFailsAfterCreatingParentsLeavesNothingAndFiresNothing()
    {
        // The guest owns its home: 1 node of 3. a and b fit, c is ENOSPC.
        var f = new XsFixture(new XsQuotas { Nodes = 3 });
        f.Dom0.Watch("/local/domain/1", "home");
        f.Dom0.Clear();
        XsAssert.IsError(f.Guest1.Write("a/b/c", "v"), "ENOSPC");
        Assert.Multiple(() =>
        {
            XsAssert.IsError(f.Guest1.Read("a"), "ENOENT");
            Assert.That(f.Dom0.Events, Is.Empty, "a failed request fires no watch");
        });

        // The node count was put back too: two more nodes fit, not three.
        XsAssert.IsOk(f.Guest1.Mkdir("x"), XsdSockmsgType.Mkdir);
        XsAssert.IsOk(f.Guest1.Mkdir("y"), XsdSockmsgType.Mkdir);
        XsAssert.IsError(f.Guest1.Mkdir("z"), "ENOSPC");
    }

    [Test]
    public void AFailedRequestInsideATransactionLeavesItsViewAsBefore()
    {
        var f = new XsFixture(new XsQuotas { Nodes = 3 });
        uint tx = f.Guest1.Start();
        XsAssert.IsOk(f.Guest1.Write("kept", "1", tx), XsdSockmsgType.Write);
        XsAssert.IsError(f.Guest1.Write("a/b", "v", tx), "ENOSPC");
        Assert.Multiple(() =>
        {
            XsAssert.IsError(f.Guest1.Read("a", tx), "ENOENT");
            XsAssert.HasValue(f.Guest1.Read("kept", tx), "1");
        });
        XsAssert.IsOk(f.Guest1.End(tx, commit: true), XsdSockmsgType.TransactionEnd);
        Assert.Multiple(() =>
        {
            XsAssert.IsError(f.Guest1.Read("a"), "ENOENT");
            XsAssert.HasValue(f.Guest1.Read("kept"), "1");
        });
    }

    [Test]
    public void EachOpenTransactionKeepsItsOwnStartViewWhileTheStoreChanges()
    {
        var f = new XsFixture();
        f.Dom0.Write("/s", "v0");
        f.Dom0.Write("/r", "here");
        uint first = f.Dom0.Start();
        f.Dom0.Write("/s", "v1");
        uint second = f.Dom0.Start();
        f.Dom0.Write("/s", "v2");
        f.Dom0.Write("/s", "v3");
        f.Dom0.Rm("/r");
        f.Dom0.Mkdir("/n");
        Assert.Multiple(() =>
        {
            XsAssert.HasValue(f.Dom0.Read("/s", first), "v0");
            XsAssert.HasValue(f.Dom0.Read("/s", second), "v1");
            XsAssert.HasValue(f.Dom0.Read("/r", first), "here");
            XsAssert.HasValue(f.Dom0.Read("/r", second), "here");
            XsAssert.IsError(f.Dom0.Read("/n", first), "ENOENT");
            XsAssert.IsError(f.Dom0.Read("/n", second), "ENOENT");
            XsAssert.HasValue(f.Dom0.Read("/s"), "v3");
        });

        // A third, started now, commits a change; the first still sees its start.
        uint third = f.Dom0.Start();
        XsAssert.IsOk(f.Dom0.Write("/t", "from-third", third), XsdSockmsgType.Write);
        XsAssert.IsOk(f.Dom0.End(third, commit: true), XsdSockmsgType.TransactionEnd);
        Assert.Multiple(() =>
        {
            XsAssert.IsError(f.Dom0.Read("/t", first), "ENOENT");
            XsAssert.HasValue(f.Dom0.Read("/s", first), "v0");
            XsAssert.HasValue(f.Dom0.Read("/t"), "from-third");
        });

        // Both read /s, which changed after they started.
        XsAssert.IsError(f.Dom0.End(first, commit: true), "EAGAIN");
        XsAssert.IsError(f.Dom0.End(second, commit: true), "EAGAIN");
    }
}
