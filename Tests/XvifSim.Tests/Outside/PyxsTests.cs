using XvifSim.Public;

namespace XvifSim.Tests.Outside;

/// <summary>
/// pyxs (Debian's python3-pyxs 0.4.2, run by /usr/bin/python3) against our
/// socket server. pyxs numbers its requests and routes replies by req_id, and
/// rejects a reply whose type or tx_id differs (docs/reference/xenstore.md, "pyxs"), so every
/// passing call also proves the echo.
/// </summary>
public class PyxsTests : OutsideStoreFixture
{
    private const string Python = "/usr/bin/python3";

    [OneTimeSetUp]
    public void RequirePyxs()
    {
        Require(Python, "python3");
        ProcessResult import = ExternalProcess.Run(Python, ["-c", "import pyxs"]);
        if (import.ExitCode != 0)
        {
            Assert.Ignore($"pyxs is not installed for {Python}: apt-get install python3-pyxs (./run-sim.sh test installs it)\n{import.Error}");
        }
    }

    [Test]
    public void WriteThenRead()
    {
        string output = Pyxs("""
            c.write(b"/py/a", b"hello")
            print(c.read(b"/py/a").decode())
            """);

        Assert.That(output, Is.EqualTo("hello\n"));
        Assert.That(Host.Read("/py/a", out string value), Is.EqualTo(Errno.Ok));
        Assert.That(value, Is.EqualTo("hello"));
    }

    [Test]
    public void ListNamesTheChildren()
    {
        Host.Write("/py/l/x", "1");
        Host.Write("/py/l/y", "2");

        string output = Pyxs("""print(" ".join(x.decode() for x in c.list(b"/py/l")))""");

        Assert.That(output, Is.EqualTo("x y\n"));
    }

    [Test]
    public void PermissionsReadBackExactlyAsSet()
    {
        string output = Pyxs("""
            c.write(b"/py/p", b"")
            print(" ".join(p.decode() for p in c.get_perms(b"/py/p")))
            c.set_perms(b"/py/p", [b"b0", b"n0", b"r0"])
            print(" ".join(p.decode() for p in c.get_perms(b"/py/p")))
            """);

        Assert.That(output, Is.EqualTo("n0\nb0 n0 r0\n"), "a node dom0 makes under / is [n0]; nothing is normalised");
    }

    [Test]
    public void DomainPathIsAnsweredForKnownAndUnknownIds()
    {
        string output = Pyxs("""
            print(c.get_domain_path(0).decode())
            print(c.get_domain_path(999).decode())
            """);

        Assert.That(output, Is.EqualTo("/local/domain/0\n/local/domain/999\n"));
    }

    [Test]
    public void IsDomainIntroducedFollowsTheCore()
    {
        Assert.That(Core.IntroduceDomain(new DomId(3)), Is.EqualTo(Errno.Ok));

        string output = Pyxs("""print(c.is_domain_introduced(0), c.is_domain_introduced(3), c.is_domain_introduced(999))""");

        Assert.That(output, Is.EqualTo("True True False\n"));
    }

    [Test]
    public void ATransactionCommitsAndIsInvisibleUntilThen()
    {
        string output = Pyxs("""
            c.transaction()
            c.write(b"/py/tx", b"1")
            with Client(unix_socket_path=sys.argv[1]) as other:
                print(other.exists(b"/py/tx"))
            print(c.commit())
            print(c.read(b"/py/tx").decode())
            """);

        Assert.That(output, Is.EqualTo("False\nTrue\n1\n"));
        Assert.That(Host.Read("/py/tx", out string value), Is.EqualTo(Errno.Ok));
        Assert.That(value, Is.EqualTo("1"));
    }

    [Test]
    public void AnOutsideWriteMakesTheCommitFailWithEagain()
    {
        // pyxs's commit() returns False for an EAGAIN reply and raises for any
        // other error, so False here means the server answered EAGAIN.
        string output = Pyxs("""
            c.write(b"/py/conf", b"base")
            c.transaction()
            c.read(b"/py/conf")
            c.write(b"/py/conf", b"mine")
            with Client(unix_socket_path=sys.argv[1]) as other:
                other.write(b"/py/conf", b"outside")
            print(c.commit())
            print(c.read(b"/py/conf").decode())
            """);

        Assert.That(output, Is.EqualTo("False\noutside\n"), "the commit failed and applied nothing");
        Assert.That(Core.TransactionCount, Is.Zero);
    }

    [Test]
    public void AMonitorGetsTheFirstEventThenTheChange()
    {
        string output = Pyxs("""
            with c.monitor() as m:
                m.watch(b"/py/mon", b"tok")
                events = m.wait()
                print(*(x.decode() for x in next(events)))
                c.write(b"/py/mon/x", b"1")
                print(*(x.decode() for x in next(events)))
            """);

        Assert.That(output, Is.EqualTo("/py/mon tok\n/py/mon/x tok\n"));
        Assert.That(Core.WatchCount, Is.Zero, "leaving the monitor unwatched, closing the client dropped the rest");
    }

    [Test]
    public void DeleteRemovesTheSubtreeAndExistsSeesIt()
    {
        string output = Pyxs("""
            c.write(b"/py/d/e", b"1")
            print(c.exists(b"/py/d"))
            c.delete(b"/py/d")
            print(c.exists(b"/py/d"), c.exists(b"/py/d/e"), c.exists(b"/py"))
            """);

        Assert.That(output, Is.EqualTo("True\nFalse False True\n"));
    }

    /// <summary>
    /// Runs <paramref name="body"/> with <c>c</c>, a connected pyxs Client on
    /// our socket (also in sys.argv[1]), and returns what it printed; a
    /// Python error fails the test with its traceback.
    /// </summary>
    private string Pyxs(string body)
    {
        string indented = string.Join('\n', body.Split('\n').Select(line => "    " + line));
        string script = $"import sys\nfrom pyxs import Client\nwith Client(unix_socket_path=sys.argv[1]) as c:\n{indented}\n";
        ProcessResult result = ExternalProcess.Run(Python, ["-c", script, SocketPath]);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return result.Output;
    }
}
