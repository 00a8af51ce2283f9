using System.Diagnostics;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using XvifSim.Tests.Core.XenStore;

namespace XvifSim.Tests.Outside;

/// <summary>
/// Debian's xenstore-utils (libxenstore 4.17) against our socket server,
/// asserting on what the tools print and how they exit (docs/reference/xenstore.md, "libxenstore tools").
/// </summary>
public class XenstoreUtilsTests : OutsideStoreFixture
{
    [SetUp]
    public void RequireTools() => Require("/usr/bin/xenstore-ls", "xenstore-utils");

    [Test]
    public void WriteThenRead()
    {
        ProcessResult write = Tool("xenstore-write", "/outside/a", "hello world");
        ProcessResult read = Tool("xenstore-read", "/outside/a");

        Assert.Multiple(() =>
        {
            Assert.That(write.ExitCode, Is.Zero, write.ToString());
            Assert.That((read.ExitCode, read.Output), Is.EqualTo((0, "hello world\n")), read.ToString());
            Assert.That(Host.Read("/outside/a", out string value), Is.EqualTo(Errno.Ok));
            Assert.That(value, Is.EqualTo("hello world"));
        });
    }

    [Test]
    public void ReadingAMissingNodeFailsWithExitCode1()
    {
        ProcessResult read = Tool("xenstore-read", "/nowhere");

        Assert.That(read.ExitCode, Is.EqualTo(1), read.ToString());
        Assert.That(read.Error, Does.Contain("couldn't read path /nowhere"));
    }

    [Test]
    public void LsPrintsNameEqualsValueIndentedOneSpacePerLevel()
    {
        Host.Write("/ls/a", "1");
        Host.Write("/ls/a/b", "two words");
        Host.Write("/ls/c", "");

        ProcessResult ls = Tool("xenstore-ls", "/ls");
        ProcessResult root = Tool("xenstore-ls", "/");

        Assert.Multiple(() =>
        {
            Assert.That((ls.ExitCode, ls.Output), Is.EqualTo((0, "a = \"1\"\n b = \"two words\"\nc = \"\"\n")), ls.ToString());
            Assert.That(root.Output, Does.StartWith("tool = \"\"\n xenstored = \"\"\nlocal = \"\"\n domain = \"\"\n  0 = \"\"\n"), root.ToString());
        });
    }

    [Test]
    public void LsWithPShowsEachNodesPermissions()
    {
        Host.Write("/lsp/a", "1");
        Host.SetPerms("/lsp/a", "n0", "r1");
        Host.Write("/lsp/b", "2");
        Host.SetPerms("/lsp/b", "b3");

        ProcessResult ls = Tool("xenstore-ls", "-p", "/lsp");

        string[] lines = ls.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(ls.ExitCode, Is.Zero, ls.ToString());
        Assert.That(lines, Has.Length.EqualTo(2), ls.ToString());
        Assert.That(lines[0], Does.Match(@"^a = ""1"" +[. ]*\(n0,r1\)$"));
        Assert.That(lines[1], Does.Match(@"^b = ""2"" +[. ]*\(b3\)$"));
    }

    [Test]
    public void ListPrintsTheChildrenOnePerLine()
    {
        Host.Write("/list/x", "1");
        Host.Write("/list/y", "2");

        ProcessResult list = Tool("xenstore-list", "/list");

        Assert.That((list.ExitCode, list.Output), Is.EqualTo((0, "x\ny\n")), list.ToString());
    }

    [Test]
    public void ExistsExitsWith0ForANodeAnd1ForNone()
    {
        ProcessResult present = Tool("xenstore-exists", "/tool/xenstored");
        ProcessResult absent = Tool("xenstore-exists", "/no/such/node");

        Assert.Multiple(() =>
        {
            Assert.That(present.ExitCode, Is.Zero, present.ToString());
            Assert.That(absent.ExitCode, Is.EqualTo(1), absent.ToString());
            Assert.That(Core.TransactionCount, Is.Zero, "the tools' transactions were ended");
        });
    }

    [Test]
    public void ChmodSetsThePermissionsThatGetPermsReturns()
    {
        Host.Write("/perm/a", "1");

        ProcessResult chmod = Tool("xenstore-chmod", "/perm/a", "n0", "r1", "b2");

        var reader = new XsTestClient(Core, DomId.Dom0, privileged: true);
        XsMessage perms = reader.GetPerms("/perm/a");
        Assert.That(chmod.ExitCode, Is.Zero, chmod.ToString());
        Assert.That((perms.Type, perms.Strings), Is.EqualTo((XsdSockmsgType.GetPerms, new[] { "n0", "r1", "b2" })), perms.ToString());
    }

    [Test]
    public void WatchPrintsThePathItselfFirstThenTheChangedPath()
    {
        using ExternalProcess watch = ExternalProcess.Start("/usr/bin/xenstore-watch", ["-n", "2", "/watched"], ToolEnvironment);

        // A write before the watch is registered is missed, so keep writing
        // until the tool has seen its second event and exits.
        var clock = Stopwatch.StartNew();
        while (!watch.HasExited && clock.Elapsed < ExternalProcess.DefaultTimeout)
        {
            Assert.That(Host.Write("/watched/child", "1"), Is.EqualTo(Errno.Ok));
            Thread.Sleep(50);
        }

        ProcessResult result = watch.WaitForExit(TimeSpan.FromSeconds(1));
        Assert.That((result.ExitCode, result.Output), Is.EqualTo((0, "/watched\n/watched/child\n")), result.ToString());
    }

    [Test]
    public void RmRemovesTheNodeAndItsSubtree()
    {
        Host.Write("/rm/a/b", "1");

        ProcessResult rm = Tool("xenstore-rm", "/rm/a");

        Assert.Multiple(() =>
        {
            Assert.That(rm.ExitCode, Is.Zero, rm.ToString());
            Assert.That(Host.Read("/rm/a/b", out _), Is.EqualTo(Errno.ENOENT));
            Assert.That(Host.Read("/rm/a", out _), Is.EqualTo(Errno.ENOENT));
            Assert.That(Host.Read("/rm", out _), Is.EqualTo(Errno.Ok), "the parent stays");
        });
    }

    [Test]
    public void ReadingSeveralPathsGoesThroughATransaction()
    {
        Host.Write("/m/a", "1");
        Host.Write("/m/b", "2");

        ProcessResult both = Tool("xenstore-read", "/m/a", "/m/b");
        ProcessResult oneMissing = Tool("xenstore-read", "/m/a", "/m/nope");

        Assert.Multiple(() =>
        {
            Assert.That((both.ExitCode, both.Output), Is.EqualTo((0, "1\n2\n")), both.ToString());
            Assert.That(oneMissing.ExitCode, Is.EqualTo(1), oneMissing.ToString());
            Assert.That(Core.TransactionCount, Is.Zero, "each transaction was ended or dropped with its client");
        });
    }

    private ProcessResult Tool(string name, params string[] args) => ExternalProcess.Run($"/usr/bin/{name}", args, ToolEnvironment);
}
