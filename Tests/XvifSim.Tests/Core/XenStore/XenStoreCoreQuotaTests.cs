using XvifSim.Emulator.XenStore;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>Per-domain quotas with C xenstored 4.17's defaults and error names; dom0 is never limited.</summary>
public class XenStoreCoreQuotaTests
{
    [Test]
    public void DefaultsAreCXenstored417s()
    {
        var quotas = new XsQuotas();
        Assert.That(
            (quotas.Nodes, quotas.Watches, quotas.Transactions, quotas.NodeSize, quotas.PermsPerNode, quotas.PathLength),
            Is.EqualTo((1000, 128, 10, 2048, 5, 2048)));
    }

    [Test]
    public void NodeQuotaIsEnospc()
    {
        var f = new XsFixture();

        // The guest owns its home already (the fixture hands it over). Spread the
        // nodes over directories so that no child list hits the node-size quota.
        var leaves = new List<string>();
        int owned = 1;
        for (int dir = 0; owned < 1000; dir++)
        {
            XsAssert.IsOk(f.Guest1.Mkdir($"d{dir}"), XsdSockmsgType.Mkdir);
            owned++;
            for (int leaf = 0; leaf < 40 && owned < 1000; leaf++, owned++)
            {
                leaves.Add($"d{dir}/n{leaf}");
                XsAssert.IsOk(f.Guest1.Mkdir(leaves[^1]), XsdSockmsgType.Mkdir);
            }
        }

        XsAssert.IsError(f.Guest1.Mkdir("d0/one-too-many"), "ENOSPC");
        XsAssert.IsError(f.Guest1.Write("deep/er", "v"), "ENOSPC");
        XsAssert.IsOk(f.Guest1.Write(leaves[0], "existing nodes can still change"), XsdSockmsgType.Write);
        XsAssert.IsOk(f.Guest1.Rm(leaves[0]), XsdSockmsgType.Rm);
        XsAssert.IsOk(f.Guest1.Mkdir("d0/fits-again"), XsdSockmsgType.Mkdir);
        XsAssert.IsOk(f.Dom0.Mkdir("/local/domain/1/dom0-made"), XsdSockmsgType.Mkdir);
    }

    [Test]
    public void ChildListCountsTowardsTheNodeSizeQuota()
    {
        var f = new XsFixture();
        string name = new('c', 1010);
        XsAssert.IsOk(f.Guest1.Mkdir(name), XsdSockmsgType.Mkdir);
        XsAssert.IsError(f.Guest1.Mkdir(name + "2"), "ENOSPC");
    }

    [Test]
    public void NodeQuotaIsCheckedAgainAtCommit()
    {
        var f = new XsFixture(new XsQuotas { Nodes = 5 });
        f.Guest1.Mkdir("x");
        f.Guest1.Mkdir("y");
        uint tx = f.Guest1.Start();
        XsAssert.IsOk(f.Guest1.Mkdir("x/a", tx), XsdSockmsgType.Mkdir);
        XsAssert.IsOk(f.Guest1.Mkdir("y/b"), XsdSockmsgType.Mkdir);
        XsAssert.IsOk(f.Guest1.Mkdir("y/c"), XsdSockmsgType.Mkdir);
        XsAssert.IsError(f.Guest1.End(tx, commit: true), "ENOSPC");
        XsAssert.IsError(f.Guest1.Read("x/a"), "ENOENT");
    }

    [Test]
    public void WatchQuotaIsE2bigAsInC()
    {
        var f = new XsFixture();
        for (int i = 0; i < 128; i++)
        {
            XsAssert.IsOk(f.Guest1.Watch("data", $"t{i}"), XsdSockmsgType.Watch);
        }

        XsAssert.IsError(f.Guest1.Watch("data", "over"), "E2BIG");
        XsAssert.IsOk(f.Guest1.Unwatch("data", "t0"), XsdSockmsgType.Unwatch);
        XsAssert.IsOk(f.Guest1.Watch("data", "over"), XsdSockmsgType.Watch);
        for (int i = 0; i < 200; i++)
        {
            XsAssert.IsOk(f.Dom0.Watch("/", $"d{i}"), XsdSockmsgType.Watch);
        }
    }

    [Test]
    public void TransactionQuotaIsEnospc()
    {
        var f = new XsFixture();
        uint first = 0;
        for (int i = 0; i < 10; i++)
        {
            uint tx = f.Guest1.Start();
            first = i == 0 ? tx : first;
        }

        XsAssert.IsError(f.Guest1.Send(XsdSockmsgType.TransactionStart, XsTestClient.Args(string.Empty)), "ENOSPC");
        f.Guest1.End(first, commit: false);
        Assert.That(f.Guest1.Start(), Is.GreaterThan(0u));
        for (int i = 0; i < 20; i++)
        {
            f.Dom0.Start();
        }
    }

    [Test]
    public void NodeSizeQuotaIsEnospc()
    {
        var f = new XsFixture();

        // 24-byte record header + one 8-byte permission + value must stay within 2048.
        XsAssert.IsOk(f.Guest1.Write("fits", new string('v', 2048 - 32)), XsdSockmsgType.Write);
        XsAssert.IsError(f.Guest1.Write("fits", new string('v', 2048 - 31)), "ENOSPC");
        XsAssert.IsError(f.Guest1.Write("new", new string('v', 3000)), "ENOSPC");
        XsAssert.IsError(f.Guest1.Read("new"), "ENOENT");
        XsAssert.IsOk(f.Dom0.Write("/local/domain/1/big", new string('v', 4000)), XsdSockmsgType.Write);
    }

    [Test]
    public void PermissionCountQuotaIsEnospc()
    {
        var f = new XsFixture();
        f.Guest1.Mkdir("p");
        XsAssert.IsOk(f.Guest1.SetPerms("p", "n1", "r2", "r3", "r4", "r5"), XsdSockmsgType.SetPerms);
        XsAssert.IsError(f.Guest1.SetPerms("p", "n1", "r2", "r3", "r4", "r5", "r6"), "ENOSPC");
        XsAssert.IsOk(f.Dom0.SetPerms("/local/domain/1/p", "n1", "r2", "r3", "r4", "r5", "r6", "r7"), XsdSockmsgType.SetPerms);
    }

    [Test]
    public void PathLengthQuotaCountsBelowTheDomainHomeAndIsEinval()
    {
        var f = new XsFixture();
        // Short components, so that no parent's child list hits the node-size quota.
        string fits = string.Join('/', Enumerable.Repeat(new string('a', 99), 20)) + "/" + new string('z', 48);
        Assert.That(fits, Has.Length.EqualTo(2048));
        XsAssert.IsOk(f.Guest1.Write("/local/domain/1/" + fits, string.Empty), XsdSockmsgType.Write);
        XsAssert.IsError(f.Guest1.Write("/local/domain/1/" + fits + "b", string.Empty), "EINVAL");
        XsAssert.IsError(f.Guest1.Write(fits + "b", string.Empty), "EINVAL");
        XsAssert.IsOk(f.Dom0.Write("/local/domain/1/" + fits + "b", string.Empty), XsdSockmsgType.Write);
    }
}
