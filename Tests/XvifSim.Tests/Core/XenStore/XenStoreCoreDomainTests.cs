using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>INTRODUCE, RELEASE, RESUME, SET_TARGET, IS_DOMAIN_INTRODUCED, GET_DOMAIN_PATH (domain.c).</summary>
public class XenStoreCoreDomainTests
{
    [TestCase("0", "/local/domain/0")]
    [TestCase("999", "/local/domain/999")]
    public void GetDomainPathAnswersForAnyIdAndAnyCaller(string id, string path)
    {
        var f = new XsFixture();
        XsMessage reply = f.Guest1.Send(XsdSockmsgType.GetDomainPath, XsTestClient.Args(id));
        Assert.That(reply.Type, Is.EqualTo(XsdSockmsgType.GetDomainPath));
        Assert.That(reply.Text, Is.EqualTo(path + "\0"));
        XsAssert.IsError(f.Guest1.Send(XsdSockmsgType.GetDomainPath, XsTestClient.Args("x")), "EINVAL");
    }

    [Test]
    public void IntroduceOverTheWireFiresAndRaisesTheNotification()
    {
        var f = new XsFixture();
        var raised = new List<XsIntroduction>();
        f.Core.DomainIntroduced += raised.Add;
        f.Dom0.Watch("@introduceDomain", "i");
        f.Dom0.Clear();

        XsAssert.IsOk(f.Dom0.Send(XsdSockmsgType.Introduce, XsTestClient.Args("7", "-12", "5")), XsdSockmsgType.Introduce);
        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "@introduceDomain i" }));
        Assert.That(raised, Is.EqualTo(new[] { new XsIntroduction(new DomId(7), -12, 5, false) }));
        Assert.That(f.Core.IsIntroduced(new DomId(7)), Is.True);

        XsMessage answer = f.Dom0.Send(XsdSockmsgType.IsDomainIntroduced, XsTestClient.Args("7"));
        Assert.That(answer.Text, Is.EqualTo("T\0"));
        Assert.That(f.Dom0.Send(XsdSockmsgType.IsDomainIntroduced, XsTestClient.Args("8")).Text, Is.EqualTo("F\0"));
    }

    [Test]
    public void RepeatedIntroduceResetsTheDomainsConnectionWithoutFiring()
    {
        var f = new XsFixture();
        f.Guest1.Watch("data", "t");
        f.Guest1.Start();
        f.Dom0.Watch("@introduceDomain", "i");
        f.Dom0.Clear();
        XsAssert.IsOk(f.Dom0.Send(XsdSockmsgType.Introduce, XsTestClient.Args("1", "100", "3")), XsdSockmsgType.Introduce);
        Assert.That(f.Dom0.Events, Is.Empty);
        Assert.That(f.Guest1.Connection.WatchCount, Is.Zero);
        Assert.That(f.Guest1.Connection.TransactionCount, Is.Zero);
    }

    [TestCase("1", "2")]
    [TestCase("1", "2", "0")]
    [TestCase("x", "2", "3")]
    [TestCase("1", "g", "3")]
    [TestCase("32752", "2", "3")]
    public void MalformedIntroduceIsEinval(params string[] args)
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Introduce, XsTestClient.Args(args)), "EINVAL");
    }

    [Test]
    public void ReleaseRemovesConnectionStateAndOwnedNodesAndFires()
    {
        var f = new XsFixture();
        var released = new List<DomId>();
        f.Core.DomainReleased += released.Add;
        f.Guest2.Write("data/x", "1");
        f.Dom0.Mkdir("/shared");
        f.Dom0.SetPerms("/shared", "n0", "r2", "r1");
        f.Dom0.Mkdir("/local/domain/2/device");
        f.Guest2.Watch("data", "t");
        f.Guest2.Start();
        f.Dom0.Watch("@releaseDomain", "r");
        f.Dom0.Watch("/local/domain", "ld");
        f.Dom0.Clear();

        XsAssert.IsOk(f.Dom0.Send(XsdSockmsgType.Release, XsTestClient.Args("2")), XsdSockmsgType.Release);

        Assert.That(f.Core.IsIntroduced(new DomId(2)), Is.False);
        Assert.That(f.Guest2.Connection.IsClosed, Is.True);
        Assert.That(f.Guest2.Connection.WatchCount, Is.Zero);
        Assert.That(f.Guest2.Connection.TransactionCount, Is.Zero);
        Assert.That(released, Is.EqualTo(new[] { new DomId(2) }));

        // Its home was owned by it, so C xenstored removes it (domain_tree_remove) with the
        // dom0-owned device node below it, and drops it from other nodes' permissions.
        XsAssert.IsError(f.Dom0.Read("/local/domain/2"), "ENOENT");
        Assert.That(f.Dom0.GetPerms("/shared").Strings, Is.EqualTo(new[] { "n0", "r1" }));
        Assert.That(f.Dom0.Events, Is.EqualTo(new[] { "/local/domain/2 ld", "@releaseDomain r" }));
    }

    [Test]
    public void ReleaseErrors()
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Release, XsTestClient.Args("0")), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Release, XsTestClient.Args("9")), "ENOENT");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Release, XsTestClient.Args("-1")), "EINVAL");
        Assert.That(f.Core.ReleaseDomain(DomId.Dom0), Is.EqualTo(Errno.EINVAL));
        Assert.That(f.Core.ReleaseDomain(new DomId(9)), Is.EqualTo(Errno.ENOENT));
        Assert.That(f.Core.IntroduceDomain(DomId.Invalid), Is.EqualTo(Errno.EINVAL));
    }

    [Test]
    public void ResumeNeedsAnIntroducedDomain()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Dom0.Send(XsdSockmsgType.Resume, XsTestClient.Args("1")), XsdSockmsgType.Resume);
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Resume, XsTestClient.Args("9")), "ENOENT");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Resume, XsTestClient.Args("1", "2")), "EINVAL");
    }

    [Test]
    public void SetTargetErrors()
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.SetTarget, XsTestClient.Args("1")), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.SetTarget, XsTestClient.Args("1", "9")), "ENOENT");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.SetTarget, XsTestClient.Args("9", "1")), "ENOENT");
    }

    [TestCase(XsdSockmsgType.Introduce, "3", "1", "1")]
    [TestCase(XsdSockmsgType.Release, "2")]
    [TestCase(XsdSockmsgType.Resume, "2")]
    [TestCase(XsdSockmsgType.SetTarget, "1", "2")]
    [TestCase(XsdSockmsgType.IsDomainIntroduced, "2")]
    public void PrivilegedOpsAreEaccesForGuests(XsdSockmsgType type, params string[] args)
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Guest1.Send(type, XsTestClient.Args(args)), "EACCES");
        Assert.That(f.Core.IsIntroduced(new DomId(2)), Is.True);
    }

    [Test]
    public void DisconnectDropsWatchesAndTransactions()
    {
        var f = new XsFixture();
        f.Guest1.Watch("data", "t");
        f.Guest1.Start();
        f.Core.Disconnect(f.Guest1.Connection);
        Assert.That(f.Guest1.Connection.WatchCount, Is.Zero);
        Assert.That(f.Guest1.Connection.TransactionCount, Is.Zero);
        f.Guest1.Clear();
        f.Dom0.Write("/local/domain/1/data", "x");
        Assert.That(f.Guest1.Received, Is.Empty);
    }
}
