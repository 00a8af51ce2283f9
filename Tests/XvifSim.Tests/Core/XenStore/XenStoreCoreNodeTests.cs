using System.Text;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>READ, WRITE, MKDIR, RM, DIRECTORY and the standard tree (docs/misc/xenstore.txt).</summary>
public class XenStoreCoreNodeTests
{
    [Test]
    public void FreshStoreHasTheStandardTree()
    {
        var core = new XenStoreCore();
        var dom0 = new XsTestClient(core, DomId.Dom0, privileged: true);

        Assert.That(dom0.Directory("/").Strings, Is.EqualTo(new[] { "tool", "local", "vm" }));
        Assert.That(dom0.Directory("/tool").Strings, Is.EqualTo(new[] { "xenstored" }));
        Assert.That(dom0.Directory("/local/domain").Strings, Is.EqualTo(new[] { "0" }));
        Assert.That(dom0.GetPerms("/").Strings, Is.EqualTo(new[] { "n0" }));
        Assert.That(dom0.GetPerms("@introduceDomain").Strings, Is.EqualTo(new[] { "n0" }));
        Assert.That(dom0.GetPerms("@releaseDomain").Strings, Is.EqualTo(new[] { "n0" }));
        Assert.That(core.IsIntroduced(DomId.Dom0), Is.True);
    }

    [Test]
    public void WriteThenReadReturnsTheRawValueWithoutNul()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Dom0.Write("/a", "hello"), XsdSockmsgType.Write);
        XsMessage reply = f.Dom0.Read("/a");
        XsAssert.HasValue(reply, "hello");
        Assert.That(reply.Payload, Has.Length.EqualTo(5));
    }

    [Test]
    public void ValuesAreRawBytesIncludingNuls()
    {
        var f = new XsFixture();
        byte[] value = [1, 0, 2, 0xFF, 0];
        XsAssert.IsOk(f.Dom0.Send(XsdSockmsgType.Write, [.. XsTestClient.Args("/bin"), .. value]), XsdSockmsgType.Write);
        Assert.That(f.Dom0.Read("/bin").Payload, Is.EqualTo(value));
    }

    [Test]
    public void EmptyValueReadsBackEmpty()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Dom0.Write("/e", string.Empty), XsdSockmsgType.Write);
        Assert.That(f.Dom0.Read("/e").Payload, Is.Empty);
    }

    [Test]
    public void WriteCreatesParentsWithEmptyValuesAndInheritedPermissions()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Dom0.Mkdir("/p"), XsdSockmsgType.Mkdir);
        XsAssert.IsOk(f.Dom0.SetPerms("/p", "n0", "r1"), XsdSockmsgType.SetPerms);
        XsAssert.IsOk(f.Dom0.Write("/p/q/r", "v"), XsdSockmsgType.Write);

        XsAssert.HasValue(f.Dom0.Read("/p/q"), string.Empty);
        Assert.That(f.Dom0.GetPerms("/p/q").Strings, Is.EqualTo(new[] { "n0", "r1" }));
        Assert.That(f.Dom0.GetPerms("/p/q/r").Strings, Is.EqualTo(new[] { "n0", "r1" }));
    }

    [Test]
    public void WriteKeepsPermissionsOfAnExistingNode()
    {
        var f = new XsFixture();
        f.Dom0.Write("/k", "1");
        f.Dom0.SetPerms("/k", "b0", "r2");
        f.Dom0.Write("/k", "2");
        Assert.That(f.Dom0.GetPerms("/k").Strings, Is.EqualTo(new[] { "b0", "r2" }));
        XsAssert.HasValue(f.Dom0.Read("/k"), "2");
    }

    [Test]
    public void NodeMadeByDom0UnderRootIsN0()
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/made");
        Assert.That(f.Dom0.GetPerms("/made").Strings, Is.EqualTo(new[] { "n0" }));
    }

    [Test]
    public void MkdirLeavesAnExistingNodeAlone()
    {
        var f = new XsFixture();
        f.Dom0.Write("/m", "keep");
        XsAssert.IsOk(f.Dom0.Mkdir("/m"), XsdSockmsgType.Mkdir);
        XsAssert.HasValue(f.Dom0.Read("/m"), "keep");
    }

    [Test]
    public void ReadOfMissingNodeIsEnoent()
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Dom0.Read("/nope"), "ENOENT");
        XsAssert.IsError(f.Dom0.Directory("/nope"), "ENOENT");
        XsAssert.IsError(f.Dom0.GetPerms("/nope"), "ENOENT");
        XsAssert.IsError(f.Dom0.SetPerms("/nope", "n0"), "ENOENT");
    }

    [Test]
    public void DirectoryListsChildrenInCreationOrder()
    {
        var f = new XsFixture();
        f.Dom0.Write("/d/zeta", "1");
        f.Dom0.Write("/d/alpha", "1");
        f.Dom0.Write("/d/mid", "1");
        XsMessage reply = f.Dom0.Directory("/d");
        Assert.That(reply.Type, Is.EqualTo(XsdSockmsgType.Directory));
        Assert.That(reply.Text, Is.EqualTo("zeta\0alpha\0mid\0"));
        Assert.That(f.Dom0.Directory("/d/mid").Payload, Is.Empty);
    }

    [Test]
    public void RmDeletesTheSubtree()
    {
        var f = new XsFixture();
        f.Dom0.Write("/r/a/b", "1");
        f.Dom0.Write("/r/c", "1");
        XsAssert.IsOk(f.Dom0.Rm("/r"), XsdSockmsgType.Rm);
        XsAssert.IsError(f.Dom0.Read("/r/a/b"), "ENOENT");
        XsAssert.IsError(f.Dom0.Read("/r"), "ENOENT");
        Assert.That(f.Dom0.Directory("/").Strings, Does.Not.Contain("r"));
    }

    [Test]
    public void RmOfMissingNodeIsOkWhenParentExistsElseEnoent()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Dom0.Rm("/local/missing"), XsdSockmsgType.Rm);
        XsAssert.IsError(f.Dom0.Rm("/missing/child"), "ENOENT");
    }

    [Test]
    public void RmOfRootIsEinval()
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Dom0.Rm("/"), "EINVAL");
    }

    [Test]
    public void ReplyEchoesReqIdAndTxId()
    {
        var f = new XsFixture();
        uint tx = f.Dom0.Start();
        f.Dom0.Clear();
        f.Core.Process(f.Dom0.Connection, XsdSockmsgType.Read, 0xDEADBEEF, tx, XsTestClient.Args("/tool"));
        f.Core.Process(f.Dom0.Connection, XsdSockmsgType.Read, 7, tx, XsTestClient.Args("/nope"));
        IReadOnlyList<XsMessage> got = f.Dom0.Received;
        Assert.That(got, Has.Count.EqualTo(2));
        Assert.That(got[0], Is.EqualTo(got[0] with { Type = XsdSockmsgType.Read, ReqId = 0xDEADBEEF, TxId = tx }));
        Assert.That(got[1].Type, Is.EqualTo(XsdSockmsgType.Error));
        Assert.That((got[1].ReqId, got[1].TxId), Is.EqualTo((7u, tx)));
    }

    [Test]
    public void RelativePathsResolveUnderTheCallersHome()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Guest1.Write("data/x", "g1"), XsdSockmsgType.Write);
        XsAssert.HasValue(f.Dom0.Read("/local/domain/1/data/x"), "g1");
        XsAssert.HasValue(f.Guest1.Read("data/x"), "g1");

        // A socket client is dom0: its relative paths land in /local/domain/0 (C xenstored).
        XsAssert.IsOk(f.Dom0.Write("rel", "d0"), XsdSockmsgType.Write);
        XsAssert.HasValue(f.Dom0.Read("/local/domain/0/rel"), "d0");
    }

    [TestCase("")]
    [TestCase("/a//b")]
    [TestCase("/a/")]
    [TestCase("/a b")]
    [TestCase("/a.b")]
    [TestCase("/ä")]
    [TestCase("@introduceDomain")]
    [TestCase("/a\\b")]
    public void MalformedPathsAreEinval(string path)
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Dom0.Read(path), "EINVAL");
        XsAssert.IsError(f.Dom0.Write(path, "v"), "EINVAL");
        XsAssert.IsError(f.Dom0.Mkdir(path), "EINVAL");
        XsAssert.IsError(f.Dom0.Rm(path), "EINVAL");
        XsAssert.IsError(f.Dom0.Directory(path), "EINVAL");
    }

    [Test]
    public void AllowedCharactersIncludeDashUnderscoreAndAt()
    {
        var f = new XsFixture();
        XsAssert.IsOk(f.Dom0.Write("/Az09-_@x", "v"), XsdSockmsgType.Write);
        XsAssert.HasValue(f.Dom0.Read("/Az09-_@x"), "v");
    }

    [Test]
    public void PathLongerThanAbsPathMaxIsEinval()
    {
        var f = new XsFixture();
        string exact = "/" + new string('a', XsLimits.AbsPathMax - 1);
        XsAssert.IsOk(f.Dom0.Write(exact, string.Empty), XsdSockmsgType.Write);
        XsAssert.IsError(f.Dom0.Write(exact + "b", string.Empty), "EINVAL");
    }

    [Test]
    public void OneArgPayloadsNeedExactlyOneTrailingNul()
    {
        var f = new XsFixture();
        byte[] noNul = Encoding.ASCII.GetBytes("/tool");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Read, noNul), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Read, []), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Read, XsTestClient.Args("/tool", "x")), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Mkdir, [.. XsTestClient.Args("/m"), 0]), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Write, noNul), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Directory, noNul), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.GetPerms, noNul), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Rm, noNul), "EINVAL");
    }

    [Test]
    public void DirectoryReplyOver4096IsE2big()
    {
        var f = new XsFixture();
        for (int i = 0; i < 100; i++)
        {
            f.Dom0.Mkdir($"/big/{i:D3}{new string('x', 40)}");
        }

        XsAssert.IsError(f.Dom0.Directory("/big"), "E2BIG");
    }

    [Test]
    public void ProcessRefusesAnOversizedPayloadAsHostMisuse()
    {
        var f = new XsFixture();
        Assert.That(
            () => f.Core.Process(f.Dom0.Connection, XsdSockmsgType.Read, 1, 0, new byte[XsLimits.PayloadMax + 1]),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [TestCase(XsdSockmsgType.WatchEvent)]
    [TestCase(XsdSockmsgType.Error)]
    [TestCase(XsdSockmsgType.Restrict)]
    [TestCase(XsdSockmsgType.GetFeature)]
    [TestCase(XsdSockmsgType.SetQuota)]
    [TestCase(XsdSockmsgType.Invalid)]
    [TestCase((XsdSockmsgType)99)]
    public void UnknownOrUnsupportedTypesAreEnosys(XsdSockmsgType type)
    {
        var f = new XsFixture();
        XsMessage reply = f.Guest1.Send(type, XsTestClient.Args("x"), txId: 12345);
        XsAssert.IsError(reply, "ENOSYS");
        Assert.That(reply.TxId, Is.EqualTo(12345u));
    }

    [Test]
    public void ControlIsEaccesForGuestsAndEinvalForDom0sUnknownCommands()
    {
        var f = new XsFixture();
        XsAssert.IsError(f.Guest1.Send(XsdSockmsgType.Control, XsTestClient.Args("help")), "EACCES");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Control, XsTestClient.Args("no-such-command")), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Control, "print"u8.ToArray()), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.Control, []), "EINVAL");
    }

    [Test]
    public void ClosedConnectionGetsNothing()
    {
        var f = new XsFixture();
        f.Core.Disconnect(f.Guest1.Connection);
        f.Core.Process(f.Guest1.Connection, XsdSockmsgType.Read, 1, 0, XsTestClient.Args("data"));
        Assert.That(f.Guest1.Received, Is.Empty);
        Assert.That(f.Guest1.Connection.IsClosed, Is.True);
    }
}
