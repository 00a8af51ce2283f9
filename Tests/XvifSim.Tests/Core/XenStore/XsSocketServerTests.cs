using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using static XvifSim.Tests.Core.XenStore.XsTestClient;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>The Unix-socket transport, seen through a raw socket as xenstore-utils and pyxs see it (xs_wire.h; docs/reference/xenstore.md, "Wire format" and "Outside clients").</summary>
public class XsSocketServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private XenStoreCore _core = null!;
    private string _path = null!;
    private XsSocketServer _server = null!;
    private ConcurrentQueue<string> _diagnostics = null!;

    [SetUp]
    public void StartServer()
    {
        _core = new XenStoreCore();
        _path = TempSocketPath();
        _diagnostics = new ConcurrentQueue<string>();
        _server = new XsSocketServer(_core, _path);
        _server.Diagnostic += _diagnostics.Enqueue;
    }

    [TearDown]
    public void StopServer()
    {
        _server.Dispose();
        File.Delete(_path);
    }

    [Test]
    public void EveryReplyEchoesTheRequestsReqIdAndTxId()
    {
        using XsRawSocket client = Connect();

        XsMessage start = client.Request(XsdSockmsgType.TransactionStart, Args(""), reqId: 7);
        uint tx = uint.Parse(start.Strings[0], CultureInfo.InvariantCulture);
        XsMessage write = client.Request(XsdSockmsgType.Write, [.. Args("/echo"), .. "v"u8], reqId: 0xDEADBEEF, txId: tx);
        XsMessage read = client.Request(XsdSockmsgType.Read, Args("/echo"), reqId: 0, txId: tx);
        XsMessage missing = client.Request(XsdSockmsgType.Read, Args("/nowhere"), reqId: 12, txId: tx);
        XsMessage end = client.Request(XsdSockmsgType.TransactionEnd, Args("T"), reqId: uint.MaxValue, txId: tx);

        Assert.Multiple(() =>
        {
            Assert.That((start.Type, start.ReqId, start.TxId), Is.EqualTo((XsdSockmsgType.TransactionStart, 7u, 0u)), start.ToString());
            Assert.That(tx, Is.Not.Zero);
            Assert.That((write.Type, write.ReqId, write.TxId), Is.EqualTo((XsdSockmsgType.Write, 0xDEADBEEFu, tx)), write.ToString());
            Assert.That((read.Type, read.ReqId, read.TxId, read.Text), Is.EqualTo((XsdSockmsgType.Read, 0u, tx, "v")), read.ToString());
            Assert.That((missing.Type, missing.ReqId, missing.TxId), Is.EqualTo((XsdSockmsgType.Error, 12u, tx)), missing.ToString());
            Assert.That((end.Type, end.ReqId, end.TxId, end.Text), Is.EqualTo((XsdSockmsgType.TransactionEnd, uint.MaxValue, tx, "OK\0")), end.ToString());
        });
    }

    [Test]
    public void PipelinedRequestsSentInOneWriteAreAnsweredInOrder()
    {
        using XsRawSocket client = Connect();
        client.SendBytes([
            .. XsRawSocket.Frame((uint)XsdSockmsgType.Write, 50, 0, [.. Args("/p/a"), .. "1"u8]),
            .. XsRawSocket.Frame((uint)XsdSockmsgType.Read, 40, 0, Args("/p/a")),
            .. XsRawSocket.Frame((uint)XsdSockmsgType.Read, 30, 0, Args("/p/missing")),
            .. XsRawSocket.Frame((uint)XsdSockmsgType.Directory, 20, 0, Args("/p")),
            .. XsRawSocket.Frame((uint)XsdSockmsgType.GetDomainPath, 10, 0, Args("3")),
        ]);

        XsMessage[] replies = [.. Enumerable.Range(0, 5).Select(_ => client.Receive())];

        Assert.That(
            replies.Select(r => (r.ReqId, r.Type, r.Text)),
            Is.EqualTo(new[]
            {
                (50u, XsdSockmsgType.Write, "OK\0"),
                (40u, XsdSockmsgType.Read, "1"),
                (30u, XsdSockmsgType.Error, "ENOENT\0"),
                (20u, XsdSockmsgType.Directory, "a\0"),
                (10u, XsdSockmsgType.GetDomainPath, "/local/domain/3\0"),
            }));
    }

    [Test]
    public void RelativePathsResolveUnderDom0sHome()
    {
        using XsRawSocket client = Connect();
        using var host = new XsHostClient(_core);

        XsMessage write = client.Request(XsdSockmsgType.Write, [.. Args("data/rel"), .. "x"u8]);
        XsMessage read = client.Request(XsdSockmsgType.Read, Args("data/rel"));

        Assert.Multiple(() =>
        {
            Assert.That(write.Type, Is.EqualTo(XsdSockmsgType.Write), write.ToString());
            Assert.That(read.Text, Is.EqualTo("x"));
            Assert.That(host.Read("/local/domain/0/data/rel", out string value), Is.EqualTo(Errno.Ok));
            Assert.That(value, Is.EqualTo("x"));
        });
    }

    [Test]
    public void ErrorsTravelAsTheErrnoNameAndANul()
    {
        using XsRawSocket client = Connect();

        XsMessage missing = client.Request(XsdSockmsgType.Read, Args("/nowhere"), reqId: 3);
        XsMessage badPath = client.Request(XsdSockmsgType.Write, [.. Args("/bad//path"), .. "v"u8], reqId: 4);
        XsMessage noSuchTx = client.Request(XsdSockmsgType.Read, Args("/tool"), reqId: 5, txId: 99);

        Assert.Multiple(() =>
        {
            Assert.That((missing.Type, missing.ReqId, missing.Payload), Is.EqualTo((XsdSockmsgType.Error, 3u, "ENOENT\0"u8.ToArray())));
            Assert.That((badPath.Type, badPath.ReqId, badPath.Payload), Is.EqualTo((XsdSockmsgType.Error, 4u, "EINVAL\0"u8.ToArray())));
            Assert.That((noSuchTx.Type, noSuchTx.ReqId, noSuchTx.TxId, noSuchTx.Payload), Is.EqualTo((XsdSockmsgType.Error, 5u, 99u, "ENOENT\0"u8.ToArray())));
        });
    }

    [TestCase(999u)]
    [TestCase(0xFFFFu)]
    [TestCase((uint)XsdSockmsgType.WatchEvent)]
    public void AnUnknownOrServerOnlyMessageTypeIsENOSYS(uint type)
    {
        using XsRawSocket client = Connect();
        client.SendBytes(XsRawSocket.Frame(type, 5, 0, Args("/")));

        XsMessage reply = client.Receive();

        Assert.That((reply.Type, reply.ReqId, reply.Text), Is.EqualTo((XsdSockmsgType.Error, 5u, "ENOSYS\0")));
        Assert.That(client.Request(XsdSockmsgType.Read, Args("/tool")).Type, Is.EqualTo(XsdSockmsgType.Read), "the client is still served");
    }

    [Test]
    public void APayloadOfExactly4096BytesIsServed()
    {
        using XsRawSocket client = Connect();
        byte[] path = Args("/big");
        byte[] value = new byte[XsLimits.PayloadMax - path.Length];
        Array.Fill(value, (byte)'z');

        XsMessage write = client.Request(XsdSockmsgType.Write, [.. path, .. value]);
        XsMessage read = client.Request(XsdSockmsgType.Read, path);

        Assert.That(write.Type, Is.EqualTo(XsdSockmsgType.Write), write.ToString());
        Assert.That(read.Payload, Is.EqualTo(value));
    }

    [Test]
    public void AHeaderClaimingMoreThan4096BytesDropsThatClientOnly()
    {
        using XsRawSocket good = Connect();
        using XsRawSocket bad = Connect();
        Assert.That(good.Request(XsdSockmsgType.Read, Args("/tool")).Type, Is.EqualTo(XsdSockmsgType.Read));

        bad.SendBytes(XsRawSocket.Frame((uint)XsdSockmsgType.Write, 1, 0, [], len: 4097));

        Assert.That(bad.WaitForClose(), Is.True, "the violating client is disconnected");
        Eventually(() => _diagnostics.Any(l => l.Contains("4097-byte payload", StringComparison.Ordinal)), "a diagnostic names the length");
        Eventually(() => _core.ConnectionCount == 1, "the violating client's connection is gone from the core");
        XsMessage write = good.Request(XsdSockmsgType.Write, [.. Args("/still"), .. "here"u8], reqId: 2);
        Assert.That(write.Type, Is.EqualTo(XsdSockmsgType.Write), write.ToString());
    }

    [Test]
    public void APartialMessageThenCloseIsDroppedQuietlyAndOthersCarryOn()
    {
        using XsRawSocket good = Connect();
        using (XsRawSocket halfPayload = Connect())
        {
            halfPayload.SendBytes(XsRawSocket.Frame((uint)XsdSockmsgType.Write, 1, 0, [.. Args("/half"), .. "x"u8], len: 100));
        }

        using (XsRawSocket halfHeader = Connect())
        {
            halfHeader.SendBytes(XsRawSocket.Frame((uint)XsdSockmsgType.Read, 1, 0, [])[..7]);
        }

        // The server accepts and serves each client on its own task, so the
        // two may be dropped in either order: wait for both signs.
        Eventually(
            () => _core.ConnectionCount == 1 && _diagnostics.Any(l => l.Contains("connection closed inside a Write message", StringComparison.Ordinal)),
            "both half-sent clients are disconnected, the half WRITE reported");
        XsMessage read = good.Request(XsdSockmsgType.Read, Args("/half"));
        Assert.That(read.ErrorName, Is.EqualTo("ENOENT"), "the unfinished WRITE was never carried out");
    }

    [Test]
    public void AClientThatNeverReadsIsDroppedWhenItsQueueOverflowsAndOthersCarryOn()
    {
        using XsRawSocket slow = new(_path, receiveBufferSize: 4096);
        Assert.That(slow.Request(XsdSockmsgType.Watch, Args("/flood", "t")).Type, Is.EqualTo(XsdSockmsgType.Watch));
        Assert.That(slow.Receive().Type, Is.EqualTo(XsdSockmsgType.WatchEvent), "WATCH's first event");
        using var writer = new XsHostClient(_core);

        // The kernel buffers some events, the server's queue the next
        // MaxQueuedMessages; the write after that drops the client.
        int writes = 0;
        while (!_diagnostics.Any(l => l.Contains("unread", StringComparison.Ordinal)) && writes < 50 * XsSocketServer.MaxQueuedMessages)
        {
            Assert.That(writer.Write("/flood", "x"), Is.EqualTo(Errno.Ok));
            writes++;
        }

        Assert.That(_diagnostics, Has.Some.Contains($"{XsSocketServer.MaxQueuedMessages} messages unread; dropping it"));
        Assert.That(writes, Is.GreaterThan(XsSocketServer.MaxQueuedMessages));
        Assert.That(slow.WaitForClose(), Is.True, "the slow client is disconnected");
        Eventually(() => _core.WatchCount == 0, "the dropped client's watch is gone");
        using XsRawSocket other = Connect();
        Assert.That(other.Request(XsdSockmsgType.Read, Args("/flood")).Text, Is.EqualTo("x"));
        Assert.That(writer.Write("/flood", "y"), Is.EqualTo(Errno.Ok));
        Assert.That(_diagnostics.Count(l => l.Contains("unread", StringComparison.Ordinal)), Is.EqualTo(1), "the drop is reported once");
    }

    [Test]
    public void DisconnectingDropsTheClientsWatchesAndTransactions()
    {
        using var host = new XsHostClient(_core);
        using (XsRawSocket client = Connect())
        {
            client.Request(XsdSockmsgType.Watch, Args("/w", "tok"));
            client.Receive();
            uint tx = uint.Parse(client.Request(XsdSockmsgType.TransactionStart, Args("")).Strings[0], CultureInfo.InvariantCulture);
            client.Request(XsdSockmsgType.Read, Args("/tool"), txId: tx);
            client.Request(XsdSockmsgType.Write, [.. Args("/txnode"), .. "1"u8], txId: tx);
            Assert.That((_core.WatchCount, _core.TransactionCount), Is.EqualTo((1, 1)));
        }

        Eventually(() => _core.ConnectionCount == 1, "only the host client is left");
        Assert.Multiple(() =>
        {
            Assert.That(_core.WatchCount, Is.Zero);
            Assert.That(_core.TransactionCount, Is.Zero);
            Assert.That(host.Read("/txnode", out _), Is.EqualTo(Errno.ENOENT), "the open transaction was aborted, not committed");
            Assert.That(host.Write("/tool", "changed"), Is.EqualTo(Errno.Ok), "what it read is free to change");
        });
    }

    [Test]
    public void AStaleSocketFileIsReplaced()
    {
        // .NET unlinks the file a socket bound when it is disposed, so make the
        // stale file as a crashed server leaves it: bound, moved out of reach
        // of that unlink, and never listened on again.
        string path = TempSocketPath();
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            string bound = TempSocketPath();
            dead.Bind(new UnixDomainSocketEndPoint(bound));
            dead.Listen(1);
            File.Move(bound, path);
        }

        Assert.That(File.Exists(path), Is.True, "a stale socket file is in the way");
        try
        {
            using var server = new XsSocketServer(_core, path);
            using var client = new XsRawSocket(path);
            Assert.That(client.Request(XsdSockmsgType.Read, Args("/tool")).Type, Is.EqualTo(XsdSockmsgType.Read));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ALiveServersSocketIsNotTakenOver()
    {
        var e = Assert.Throws<IOException>(() => new XsSocketServer(_core, _path).Dispose());

        Assert.That(e!.Message, Does.Contain("another server is listening"));
        using XsRawSocket client = Connect();
        Assert.That(client.Request(XsdSockmsgType.Read, Args("/tool")).Type, Is.EqualTo(XsdSockmsgType.Read));
    }

    [Test]
    public void AFileWithContentsIsNeverDeleted()
    {
        string path = Path.Combine(Path.GetTempPath(), $"xvifsim-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "keep me");
        try
        {
            var e = Assert.Throws<IOException>(() => new XsSocketServer(_core, path).Dispose());

            Assert.That(e!.Message, Does.Contain("not a socket"));
            Assert.That(File.ReadAllText(path), Is.EqualTo("keep me"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void DisposeWithClientsConnectedReturnsPromptlyAndRemovesTheSocket()
    {
        using XsRawSocket idle = Connect();
        using XsRawSocket busy = Connect();
        busy.Request(XsdSockmsgType.Watch, Args("/w", "tok"));
        busy.SendBytes(XsRawSocket.Frame((uint)XsdSockmsgType.Write, 1, 0, [], len: 50));
        Eventually(() => _core.ConnectionCount == 2, "both clients are connected");

        var clock = Stopwatch.StartNew();
        _server.Dispose();
        clock.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1.5)), "sessions end as their sockets close, well before Dispose gives up on them");
            Assert.That(File.Exists(_path), Is.False, "the socket file is removed");
            Assert.That((_core.ConnectionCount, _core.WatchCount), Is.EqualTo((0, 0)), "clients are disconnected from the core");
            Assert.That(idle.WaitForClose(), Is.True);
            Assert.That(busy.WaitForClose(), Is.True);
        });
        Assert.Throws<SocketException>(() => new XsRawSocket(_path).Dispose(), "nobody listens any more");
    }

    private static string TempSocketPath() => Path.Combine(Path.GetTempPath(), $"xvifsim-{Guid.NewGuid():N}.sock");

    private static void Eventually(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                Assert.Fail($"not within {Patience.TotalSeconds} s: {what}");
            }

            Thread.Sleep(5);
        }
    }

    private XsRawSocket Connect() => new(_path);
}
