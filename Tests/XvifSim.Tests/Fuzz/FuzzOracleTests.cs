using XvifSim.Fuzz;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Fuzz;

/// <summary>
/// The XenStore target's checks on their own: a campaign that reports no
/// crash means something only if these flag the answers a broken server
/// would give.
/// </summary>
public class FuzzOracleTests
{
    private static readonly XsdSockmsg Read7 = new(XsdSockmsgType.Read, 7, 0, 5);

    [Test]
    public void TheRequestStreamIsCutAsXsWireFramesIt()
    {
        byte[] stream = [.. Message(XsdSockmsgType.Read, 1, "name\0"), .. Message(XsdSockmsgType.Write, 2, "k\0v"), 2, 0, 0];
        List<XsdSockmsg> requests = XsRequestStream.Split(stream, out bool oversized);
        Assert.Multiple(() =>
        {
            Assert.That(requests.Select(r => (r.Type, r.ReqId, r.Len)), Is.EqualTo(new[] { (XsdSockmsgType.Read, 1u, 5u), (XsdSockmsgType.Write, 2u, 3u) }));
            Assert.That(oversized, Is.False, "a partial header is not a request yet");
        });
    }

    [Test]
    public void AHeaderPastPayloadMaxEndsTheStream()
    {
        byte[] big = new byte[XsdSockmsg.Size];
        new XsdSockmsg(XsdSockmsgType.Read, 2, 0, XsLimits.PayloadMax + 1).Write(big);
        List<XsdSockmsg> requests = XsRequestStream.Split([.. Message(XsdSockmsgType.Read, 1, "name\0"), .. big, .. Message(XsdSockmsgType.Read, 3, "x\0")], out bool oversized);
        Assert.That((requests.Count, oversized), Is.EqualTo((1, true)));
    }

    [Test]
    public void ARightReplyAndAnErrorWithAnErrnoNamePass()
    {
        var checker = new ReplyChecker([Read7, Read7 with { ReqId = 8 }]);
        checker.Check(new XsdSockmsg(XsdSockmsgType.Read, 7, 0, 1), "v"u8);
        checker.Check(new XsdSockmsg(XsdSockmsgType.WatchEvent, 0, 0, 6), "/a\0tk\0"u8);
        checker.Check(new XsdSockmsg(XsdSockmsgType.Error, 8, 0, 7), "ENOENT\0"u8);
        Assert.That(checker.Answered, Is.EqualTo(2));
    }

    [TestCase(XsdSockmsgType.Read, 8u, 0u, "v", TestName = "a reply with another req_id")]
    [TestCase(XsdSockmsgType.Read, 7u, 3u, "v", TestName = "a reply with another tx_id")]
    [TestCase(XsdSockmsgType.Write, 7u, 0u, "", TestName = "a reply of another type")]
    [TestCase(XsdSockmsgType.Error, 7u, 0u, "EBOGUS\0", TestName = "an ERROR with no errno name")]
    [TestCase(XsdSockmsgType.Error, 7u, 0u, "ENOENT", TestName = "an ERROR without its NUL")]
    [TestCase(XsdSockmsgType.WatchEvent, 7u, 0u, "/a\0tk\0", TestName = "a watch event with a req_id")]
    [TestCase(XsdSockmsgType.WatchEvent, 0u, 0u, "/a\0", TestName = "a watch event without its token")]
    public void ABrokenAnswerIsAFinding(XsdSockmsgType type, uint reqId, uint txId, string payload)
    {
        var checker = new ReplyChecker([Read7]);
        byte[] bytes = System.Text.Encoding.Latin1.GetBytes(payload);
        Assert.Throws<FuzzFinding>(() => checker.Check(new XsdSockmsg(type, reqId, txId, (uint)bytes.Length), bytes));
    }

    [Test]
    public void AReplyToNoRequestIsAFinding()
    {
        var checker = new ReplyChecker([Read7]);
        checker.Check(new XsdSockmsg(XsdSockmsgType.Read, 7, 0, 1), "v"u8);
        Assert.Throws<FuzzFinding>(() => checker.Check(new XsdSockmsg(XsdSockmsgType.Read, 7, 0, 1), "v"u8));
    }

    private static byte[] Message(XsdSockmsgType type, uint reqId, string payload)
    {
        byte[] message = new byte[XsdSockmsg.Size + payload.Length];
        new XsdSockmsg(type, reqId, 0, (uint)payload.Length).Write(message);
        System.Text.Encoding.Latin1.GetBytes(payload).CopyTo(message, XsdSockmsg.Size);
        return message;
    }
}
