using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using XvifSim.Emulator.XenStore;
using XvifSim.Public.XenStore;
using XvifSim.Tests.Core.XenStore;

namespace XvifSim.Tests.Hostile;

/// <summary>
/// A hostile client on xenstored's Unix socket (issue 6 item 3, socket half).
/// Socket clients are privileged (dom0, as C treats them), so the attacks are
/// protocol abuse rather than permission escapes: each gets C xenstored's
/// ERROR name, or the connection is dropped for a payload over 4096 bytes
/// (docs/reference/xenstore.md, "Message header"); right after, a bystander on its own connection writes
/// and reads back, and the attacker (when not dropped) is still served.
/// </summary>
public sealed class HostileXenStoreSocketTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private XenStoreCore _core = null!;
    private string _path = null!;
    private XsSocketServer _server = null!;
    private ConcurrentQueue<string> _diagnostics = null!;
    private XsRawSocket _bad = null!;
    private XsRawSocket _bystander = null!;
    private uint _reqId = 500;

    [SetUp]
    public void StartServer()
    {
        _core = new XenStoreCore();
        _path = Path.Combine(Path.GetTempPath(), $"xvifsim-hostile-{Guid.NewGuid():N}.sock");
        _diagnostics = new ConcurrentQueue<string>();
        _server = new XsSocketServer(_core, _path);
        _server.Diagnostic += _diagnostics.Enqueue;
        _bystander = new XsRawSocket(_path);
        _bad = new XsRawSocket(_path);
        Assert.That(_bystander.Request(XsdSockmsgType.Write, [.. Args("/bystander/v"), .. "0"u8]).Type, Is.EqualTo(XsdSockmsgType.Write));
    }

    [TearDown]
    public void StopServer()
    {
        _bad.Dispose();
        _bystander.Dispose();
        _server.Dispose();
        File.Delete(_path);
    }

    [Test]
    public void APayloadLengthOf4097DropsTheConnection()
    {
        _bad.SendBytes(XsRawSocket.Frame((uint)XsdSockmsgType.Write, 1, 0, [], len: 4097));
        Assert.That(_bad.WaitForClose(), Is.True, "the violating client is disconnected");
        Eventually(() => _diagnostics.Any(l => l.Contains("4097", StringComparison.Ordinal)), "a diagnostic names the length");
        AssertBystanderServed();
    }

    [Test]
    public void AnUnknownMessageType99IsEnosys() => AssertError(99, Args("/"), "ENOSYS");

    [Test]
    public void TheRemovedRestrictType20IsEnosys() => AssertError((uint)XsdSockmsgType.Restrict, Args("1"), "ENOSYS");

    [Test]
    public void AReadWhosePathHasNoNulIsEinval() => AssertError((uint)XsdSockmsgType.Read, "/tool"u8.ToArray(), "EINVAL");

    [Test]
    public void AWriteWithAPathOnlyAndNoNulSeparatorIsEinval() => AssertError((uint)XsdSockmsgType.Write, "/w"u8.ToArray(), "EINVAL");

    [Test]
    public void AnAbsolutePathOver3072BytesIsEinval()
    {
        // C: over XENSTORE_ABS_PATH_MAX. Privileged, so only the absolute limit applies.
        string path = "/" + new string('a', 3099);
        AssertError((uint)XsdSockmsgType.Write, [.. Args(path), .. "v"u8], "EINVAL");
    }

    [TestCase("/a/../b", TestName = "ASocketPathWithDotDotIsEinval")]
    [TestCase("/a\u0001b", TestName = "ASocketPathWithAControlCharacterIsEinval")]
    [TestCase("/a//b", TestName = "ASocketPathWithADoubleSlashIsEinval")]
    [TestCase("@nonsense", TestName = "ASocketAtPathThatIsNoSpecialWatchIsEinval")]
    public void AnInvalidPathIsEinval(string path) => AssertError((uint)XsdSockmsgType.Write, [.. Args(path), .. "v"u8], "EINVAL");

    [Test]
    public void ATransactionStartWithATxIdIsEbusy()
    {
        uint tx = StartTransaction();
        AssertError((uint)XsdSockmsgType.TransactionStart, Args(""), "EBUSY", tx);
    }

    [Test]
    public void EndingATransactionWithXIsEinval()
    {
        uint tx = StartTransaction();
        AssertError((uint)XsdSockmsgType.TransactionEnd, Args("X"), "EINVAL", tx);
    }

    [Test]
    public void ARequestInAnUnknownTransactionIsEnoent() => AssertError((uint)XsdSockmsgType.Read, Args("/bystander/v"), "ENOENT", txId: 31337);

    [Test]
    public void TheSameWatchTwiceIsEexist()
    {
        _bad.Send(XsdSockmsgType.Watch, 1, 0, Args("/bystander", "tok"));
        Assert.That(_bad.Receive().Type, Is.EqualTo(XsdSockmsgType.Watch));
        Assert.That(_bad.Receive().Type, Is.EqualTo(XsdSockmsgType.WatchEvent), "the first event");
        AssertError((uint)XsdSockmsgType.Watch, Args("/bystander", "tok"), "EEXIST", watching: true);
    }

    [Test]
    public void RemovingTheRootIsEinval() => AssertError((uint)XsdSockmsgType.Rm, Args("/"), "EINVAL");

    private static byte[] Args(params string[] strings) => Encoding.Latin1.GetBytes(string.Concat(strings.Select(s => s + "\0")));

    private uint StartTransaction()
    {
        XsMessage start = _bad.Request(XsdSockmsgType.TransactionStart, Args(""), reqId: 1);
        Assert.That(start.Type, Is.EqualTo(XsdSockmsgType.TransactionStart), start.ToString());
        return uint.Parse(start.Strings[0], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// ERROR "<paramref name="name"/>\0" with req_id and tx_id echoed; then the
    /// attacker and the bystander are still served. With <paramref name="watching"/>,
    /// the attacker's later watch events (from the bystander's write) are skipped.
    /// </summary>
    private void AssertError(uint type, byte[] payload, string name, uint txId = 0, bool watching = false)
    {
        uint reqId = ++_reqId;
        _bad.SendBytes(XsRawSocket.Frame(type, reqId, txId, payload));
        XsMessage reply = _bad.Receive();
        Assert.Multiple(() =>
        {
            Assert.That(reply.Type, Is.EqualTo(XsdSockmsgType.Error), reply.ToString());
            Assert.That(reply.Text, Is.EqualTo(name + "\0"));
            Assert.That((reply.ReqId, reply.TxId), Is.EqualTo((reqId, txId)), "req_id and tx_id echoed");
        });

        XsMessage read = NextReply(_bad.Request(XsdSockmsgType.GetDomainPath, Args("7"), reqId: 9), watching);
        Assert.That((read.Type, read.Text), Is.EqualTo((XsdSockmsgType.GetDomainPath, "/local/domain/7\0")), "the attacker is still served");
        AssertBystanderServed();
    }

    private XsMessage NextReply(XsMessage first, bool watching)
    {
        XsMessage message = first;
        while (watching && message.Type == XsdSockmsgType.WatchEvent)
        {
            message = _bad.Receive();
        }

        return message;
    }

    private void AssertBystanderServed()
    {
        XsMessage write = _bystander.Request(XsdSockmsgType.Write, [.. Args("/bystander/v"), .. "1"u8], reqId: 77);
        XsMessage read = _bystander.Request(XsdSockmsgType.Read, Args("/bystander/v"), reqId: 78);
        Assert.Multiple(() =>
        {
            Assert.That((write.Type, write.ReqId, write.Text), Is.EqualTo((XsdSockmsgType.Write, 77u, "OK\0")), write.ToString());
            Assert.That((read.Type, read.ReqId, read.Text), Is.EqualTo((XsdSockmsgType.Read, 78u, "1")), read.ToString());
        });
    }

    private static void Eventually(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                Assert.Fail($"not within {Patience.TotalSeconds} s: {what}");
            }

            Thread.Sleep(10);
        }
    }
}
