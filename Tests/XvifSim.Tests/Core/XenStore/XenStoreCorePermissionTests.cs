using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>Permissions (docs/misc/xenstore.txt; core.c perm_for_conn, first match wins as in C).</summary>
public class XenStoreCorePermissionTests
{
    [Test]
    public void GuestCannotReadOrWriteAnotherGuestsHome()
    {
        var f = new XsFixture();
        f.Guest2.Write("secret", "s");
        XsAssert.IsError(f.Guest1.Read("/local/domain/2/secret"), "EACCES");
        XsAssert.IsError(f.Guest1.Write("/local/domain/2/secret", "x"), "EACCES");
        XsAssert.IsError(f.Guest1.Write("/local/domain/2/new", "x"), "EACCES");
        XsAssert.IsError(f.Guest1.Directory("/local/domain/2"), "EACCES");
        XsAssert.IsError(f.Guest1.Rm("/local/domain/2/secret"), "EACCES");
        XsAssert.HasValue(f.Guest2.Read("secret"), "s");
    }

    [Test]
    public void Dom0BypassesAllChecks()
    {
        var f = new XsFixture();
        f.Guest2.Write("secret", "s");
        XsAssert.HasValue(f.Dom0.Read("/local/domain/2/secret"), "s");
        XsAssert.IsOk(f.Dom0.Write("/local/domain/2/secret", "d0"), XsdSockmsgType.Write);
        XsAssert.IsOk(f.Dom0.SetPerms("/local/domain/2/secret", "n5"), XsdSockmsgType.SetPerms);
    }

    [Test]
    public void MissingNodeUnderUnreadableParentIsEacces()
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Guest1.Read("/local/domain/2/nothing"), "EACCES");
        XsAssert.IsError(f.Guest1.Read("/vm/nothing"), "EACCES");
        XsAssert.IsError(f.Guest1.Read("nothing"), "ENOENT");
    }

    [Test]
    public void GuestCreatedNodeIsOwnedByTheGuestWithTheDefaultLetterKept()
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/shared");
        f.Dom0.SetPerms("/shared", "w0", "b1");
        XsAssert.IsOk(f.Guest1.Write("/shared/mine/leaf", "v"), XsdSockmsgType.Write);
        Assert.That(f.Dom0.GetPerms("/shared/mine").Strings, Is.EqualTo(new[] { "w1", "b1" }));
        Assert.That(f.Dom0.GetPerms("/shared/mine/leaf").Strings, Is.EqualTo(new[] { "w1", "b1" }));
    }

    [Test]
    public void ReadAndWriteLettersGrantWhatTheySay()
    {
        var f = new XsFixture();
        f.Dom0.Write("/r-only", "v");
        f.Dom0.SetPerms("/r-only", "n0", "r1");
        f.Dom0.Write("/w-only", "v");
        f.Dom0.SetPerms("/w-only", "n0", "w1");

        XsAssert.HasValue(f.Guest1.Read("/r-only"), "v");
        XsAssert.IsError(f.Guest1.Write("/r-only", "x"), "EACCES");
        XsAssert.IsError(f.Guest1.Read("/w-only"), "EACCES");
        XsAssert.IsOk(f.Guest1.Write("/w-only", "x"), XsdSockmsgType.Write);
        XsAssert.IsError(f.Guest2.Read("/r-only"), "EACCES");
    }

    [Test]
    public void OwnerLetterIsTheDefaultForOthers()
    {
        var f = new XsFixture();
        f.Dom0.Write("/pub", "v");
        f.Dom0.SetPerms("/pub", "r0");
        XsAssert.HasValue(f.Guest1.Read("/pub"), "v");
        XsAssert.HasValue(f.Guest2.Read("/pub"), "v");
        XsAssert.IsError(f.Guest2.Write("/pub", "x"), "EACCES");
    }

    [Test]
    public void FirstMatchingEntryWins()
    {
        var f = new XsFixture();
        f.Dom0.Write("/fm", "v");
        f.Dom0.SetPerms("/fm", "n0", "r1", "b1");
        XsAssert.HasValue(f.Guest1.Read("/fm"), "v");
        XsAssert.IsError(f.Guest1.Write("/fm", "x"), "EACCES");
    }

    [Test]
    public void OwnerHasFullAccessWhateverTheLetter()
    {
        var f = new XsFixture();
        f.Dom0.Write("/own", "v");
        f.Dom0.SetPerms("/own", "n1");
        XsAssert.HasValue(f.Guest1.Read("/own"), "v");
        XsAssert.IsOk(f.Guest1.Write("/own", "w"), XsdSockmsgType.Write);
    }

    [Test]
    public void SetPermsNeedsOwnership()
    {
        var f = new XsFixture();
        f.Dom0.Write("/o", "v");
        f.Dom0.SetPerms("/o", "n0", "b1");
        XsAssert.IsError(f.Guest1.SetPerms("/o", "n0", "b1", "r2"), "EACCES");
        XsAssert.IsOk(f.Guest1.Mkdir("data-ok"), XsdSockmsgType.Mkdir);
        XsAssert.IsOk(f.Guest1.SetPerms("data-ok", "n1", "r2"), XsdSockmsgType.SetPerms);
        Assert.That(f.Guest1.GetPerms("data-ok").Strings, Is.EqualTo(new[] { "n1", "r2" }));
    }

    [Test]
    public void UnprivilegedOwnerCannotChangeTheOwnerId()
    {
        var f = new XsFixture();
        f.Guest1.Mkdir("give");
        XsAssert.IsError(f.Guest1.SetPerms("give", "n2"), "EPERM");
        Assert.That(f.Guest1.GetPerms("give").Strings, Is.EqualTo(new[] { "n1" }));
    }

    [Test]
    public void SetPermsIsStoredAsGivenWithoutNormalising()
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/norm");
        XsAssert.IsOk(f.Dom0.SetPerms("/norm", "b0", "n0", "r0"), XsdSockmsgType.SetPerms);
        Assert.That(f.Dom0.GetPerms("/norm").Text, Is.EqualTo("b0\0n0\0r0\0"));
    }

    [TestCase("x1")]
    [TestCase("r")]
    [TestCase("r-1")]
    [TestCase("r1a")]
    [TestCase("r65536")]
    [TestCase("")]
    public void MalformedPermissionIsEinval(string perm)
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/bad");
        XsAssert.IsError(f.Dom0.SetPerms("/bad", perm), "EINVAL");
    }

    [Test]
    public void SetPermsWithoutAnyPermissionIsEinval()
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/bad");
        XsAssert.IsError(f.Dom0.SetPerms("/bad"), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.SetPerms, "/bad"u8.ToArray()), "EINVAL");
    }

    [Test]
    public void GetAndSetPermsWorkOnSpecialNodesForDom0()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Dom0.SetPerms("@releaseDomain", "n0", "r1"), XsdSockmsgType.SetPerms);
        Assert.That(f.Dom0.GetPerms("@releaseDomain").Strings, Is.EqualTo(new[] { "n0", "r1" }));
        XsAssert.IsError(f.Guest2.GetPerms("@introduceDomain"), "EACCES");
        XsAssert.IsError(f.Dom0.GetPerms("@unknown"), "ENOENT");
    }

    [Test]
    public void SetTargetLetsADomainActAsItsTarget()
    {
        var f = new XsFixture();
        f.Guest2.Write("dm", "v");
        XsAssert.IsError(f.Guest1.Read("/local/domain/2/dm"), "EACCES");
        XsAssert.IsOk(f.Dom0.Send(XsdSockmsgType.SetTarget, XsTestClient.Args("1", "2")), XsdSockmsgType.SetTarget);
        XsAssert.HasValue(f.Guest1.Read("/local/domain/2/dm"), "v");
        XsAssert.IsOk(f.Guest1.Write("/local/domain/2/dm", "from1"), XsdSockmsgType.Write);
        XsAssert.IsError(f.Guest2.Read("/local/domain/1"), "EACCES");
    }
}
