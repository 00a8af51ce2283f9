using System.Globalization;
using System.Text;
using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using XvifSim.Tests.Core.XenStore;
using XvifSim.Tests.Guest.Xenbus;
using static XvifSim.Public.XenStore.XenstoreDomainInterface;

namespace XvifSim.Tests.Hostile;

/// <summary>
/// A hostile guest on its XenStore ring (issue 6 item 3, ring half): each
/// malformed or abusive message gets the error C xenstored gives
/// (docs/reference/xenstore.md) — an ERROR reply with the xs_wire errno name, or the
/// ring's error field (2 bad index, 3 payload too long) when the ring itself
/// is broken — and right after, a bystander guest on its own ring still gets
/// correct answers. Where the error is an ordinary ERROR reply, the attacker
/// itself is still served too.
/// </summary>
public sealed class HostileXenStoreRingTests
{
    private XenbusTestBed _bed = null!;
    private Domain _bad = null!;
    private XenbusGuest _good = null!;
    private RawXsRing _raw = null!;
    private uint _reqId = 100;

    private string BadHome => $"/local/domain/{_bad.Id.Value}";

    [SetUp]
    public void SetUp()
    {
        _bed = new XenbusTestBed(seed: 6);
        _bad = _bed.AddBareGuest("hostile");
        _good = _bed.AddGuest("bystander");
        _raw = new RawXsRing(_bad);
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void APayloadLengthOf4097StopsTheRingWithError3()
    {
        Send(Header(XsdSockmsgType.Write, 4097));
        _bed.RunUntil(() => _raw.Error != XenstoreRingError.None, "the error field is set");

        Assert.Multiple(() =>
        {
            Assert.That(_raw.Error, Is.EqualTo(XenstoreRingError.Proto), "error 3: payload too long");
            Assert.That(_raw.Take(), Is.Empty, "no reply on a broken ring");
        });
        AssertBystanderServed();
    }

    [Test]
    public void AReqProdLying2000AheadStopsTheRingWithError2()
    {
        _raw.ReqProd = _raw.ReqCons + 2000;
        Assert.That(_raw.Notify(), Is.EqualTo(Errno.Ok));
        _bed.RunUntil(() => _raw.Error != XenstoreRingError.None, "the error field is set");

        Assert.Multiple(() =>
        {
            Assert.That(_raw.Error, Is.EqualTo(XenstoreRingError.RingIdx), "error 2: bad ring index");
            Assert.That(_raw.RspProd, Is.Zero, "nothing was answered");
        });
        AssertBystanderServed();
    }

    [Test]
    public void AnRspConsBeyondRspProdStopsTheRingWithError2()
    {
        SharedBits.WriteU32(_raw.Page, RspConsOffset, _raw.RspProd + 7);
        _raw.Send(RawXsRing.Message(XsdSockmsgType.Read, 1, "name"));
        _bed.RunUntil(() => _raw.Error != XenstoreRingError.None, "the error field is set");

        Assert.That(_raw.Error, Is.EqualTo(XenstoreRingError.RingIdx));
        AssertBystanderServed();
    }

    [Test]
    public void AReqProdGoingBackwardsStopsTheRingWithError2()
    {
        // prod - cons wraps to nearly 2^32: more unread bytes than the ring holds.
        _raw.Send(RawXsRing.Message(XsdSockmsgType.Read, 1, "name"));
        _bed.Settle();
        Assert.That(_raw.Take(), Has.Count.EqualTo(1));
        _raw.ReqProd = _raw.ReqCons - 1;
        Assert.That(_raw.Notify(), Is.EqualTo(Errno.Ok));
        _bed.RunUntil(() => _raw.Error != XenstoreRingError.None, "the error field is set");

        Assert.That(_raw.Error, Is.EqualTo(XenstoreRingError.RingIdx));
        AssertBystanderServed();
    }

    [Test]
    public void APayloadLengthOfUintMaxStopsTheRingWithError3()
    {
        Send(Header(XsdSockmsgType.Read, uint.MaxValue));
        _bed.RunUntil(() => _raw.Error != XenstoreRingError.None, "the error field is set");

        Assert.That(_raw.Error, Is.EqualTo(XenstoreRingError.Proto));
        AssertBystanderServed();
    }

    [Test]
    public void AWatchWithoutATokenIsEinval()
    {
        AssertError(Raw(XsdSockmsgType.Watch, Args("data")), "EINVAL");
    }

    [Test]
    public void AReadWhosePathHasNoNulIsEinval()
    {
        AssertError(Raw(XsdSockmsgType.Read, Encoding.ASCII.GetBytes("name")), "EINVAL");
    }

    [Test]
    public void AWriteWithAPathOnlyAndNoNulSeparatorIsEinval()
    {
        AssertError(Raw(XsdSockmsgType.Write, Encoding.ASCII.GetBytes("data/x")), "EINVAL");
    }

    [Test]
    public void AnUnknownMessageType99IsEnosys()
    {
        AssertError(Raw((XsdSockmsgType)99, Args("data")), "ENOSYS");
    }

    [Test]
    public void TheRemovedRestrictType20IsEnosys()
    {
        AssertError(Raw(XsdSockmsgType.Restrict, Args("0")), "ENOSYS");
    }

    [Test]
    public void ARelativePathOver2048BytesIsEinval()
    {
        // Under C's path-max quota (2048, measured without /local/domain/N/);
        // the message is over 1024 bytes, so it crosses the ring in pieces.
        string path = "data/" + new string('p', 2100);
        AssertError(Raw(XsdSockmsgType.Write, [.. Args(path), .. "v"u8]), "EINVAL");
    }

    [TestCase("data/a..b", TestName = "APathWithDotDotIsEinval")]
    [TestCase("data//x", TestName = "APathWithADoubleSlashIsEinval")]
    [TestCase("data/x/", TestName = "APathWithATrailingSlashIsEinval")]
    [TestCase("data/a b", TestName = "APathWithASpaceIsEinval")]
    [TestCase("data/a\u0001b", TestName = "APathWithAControlCharacterIsEinval")]
    [TestCase("@foo", TestName = "AnAtPathThatIsNoSpecialWatchIsEinval")]
    [TestCase("@introduceDomain", TestName = "WritingASpecialWatchPathIsEinval")]
    public void APathWithInvalidCharactersOrShapeIsEinval(string path)
    {
        AssertError(Raw(XsdSockmsgType.Write, [.. Args(path), .. "v"u8]), "EINVAL");
    }

    [Test]
    public void ReadingDom0sHomeIsEacces()
    {
        AssertError(Raw(XsdSockmsgType.Read, Args("/local/domain/0/name")), "EACCES");
    }

    [Test]
    public void ReadingAnotherGuestsHomeIsEacces()
    {
        Assert.That(_bed.Store.Write($"{_good.Home}/data/secret", "s"), Is.EqualTo(Errno.Ok));
        AssertError(Raw(XsdSockmsgType.Read, Args($"{_good.Home}/data/secret")), "EACCES");
    }

    [Test]
    public void SetPermsToTakeOverAnotherGuestsNodeIsEacces()
    {
        string victim = $"{_good.Home}/data";
        AssertError(Raw(XsdSockmsgType.SetPerms, Args(victim, $"b{_bad.Id.Value}")), "EACCES");
        Assert.That(_bed.Store.GetPerms(victim, out IReadOnlyList<string> perms), Is.EqualTo(Errno.Ok));
        Assert.That(perms, Is.EqualTo(new[] { $"n{_good.Domain.Id.Value}" }), "the victim's node is unchanged");
    }

    [Test]
    public void GivingItsOwnNodeToAnotherDomainIsEperm()
    {
        AssertError(Raw(XsdSockmsgType.SetPerms, Args("data", $"n{_good.Domain.Id.Value}")), "EPERM");
        Assert.That(_bed.Store.GetPerms($"{BadHome}/data", out IReadOnlyList<string> perms), Is.EqualTo(Errno.Ok));
        Assert.That(perms, Is.EqualTo(new[] { $"n{_bad.Id.Value}" }));
    }

    [TestCase(XsdSockmsgType.Introduce, new[] { "9", "1234", "5" }, TestName = "AGuestIntroduceIsEacces")]
    [TestCase(XsdSockmsgType.Release, new[] { "1" }, TestName = "AGuestReleaseIsEacces")]
    [TestCase(XsdSockmsgType.SetTarget, new[] { "1", "2" }, TestName = "AGuestSetTargetIsEacces")]
    public void APrivilegedOperationFromAGuestIsEacces(XsdSockmsgType type, string[] args)
    {
        AssertError(Raw(type, Args(args)), "EACCES");
    }

    [Test]
    public void TheEleventhOpenTransactionIsEnospc()
    {
        for (int i = 0; i < 10; i++)
        {
            XsMessage start = Request(Raw(XsdSockmsgType.TransactionStart, Args("")));
            Assert.That(start.Type, Is.EqualTo(XsdSockmsgType.TransactionStart), start.ToString());
        }

        AssertError(Raw(XsdSockmsgType.TransactionStart, Args("")), "ENOSPC");
    }

    [Test]
    public void The129thWatchIsE2big()
    {
        // C's watch.c answers a domain over its watch quota with E2BIG (an
        // xs_wire errno name), as docs/reference/xenstore.md, "Quotas" says.
        for (int i = 0; i < 128; i++)
        {
            XsMessage watch = Request(Raw(XsdSockmsgType.Watch, Args($"data/w{i}", "t")));
            Assert.That(watch.Type, Is.EqualTo(XsdSockmsgType.Watch), watch.ToString());
        }

        AssertError(Raw(XsdSockmsgType.Watch, Args("data/w128", "t")), "E2BIG");
    }

    [Test]
    public void TheSameWatchTwiceIsEexist()
    {
        Assert.That(Request(Raw(XsdSockmsgType.Watch, Args("data", "tok"))).Type, Is.EqualTo(XsdSockmsgType.Watch));
        AssertError(Raw(XsdSockmsgType.Watch, Args("data", "tok")), "EEXIST");
    }

    [Test]
    public void CreatingNodesPastTheNodeQuotaIsEnospcAndReadsStillWork()
    {
        int created = 0;
        XsMessage reply = default;
        for (int i = 0; i < 1001; i++)
        {
            // Spread over parents of 100 children, so that no parent's child
            // list reaches the 2048-byte node-size quota first.
            reply = Request(Raw(XsdSockmsgType.Write, [.. Args($"data/g{i / 100}/n{i % 100}"), .. "x"u8]));
            if (reply.Type == XsdSockmsgType.Error)
            {
                break;
            }

            created++;
        }

        Assert.Multiple(() =>
        {
            Assert.That(reply.ErrorName, Is.EqualTo("ENOSPC"), reply.ToString());
            // Each write makes one node, plus a parent every 100; the
            // directories of its home it owns count against its 1000 too.
            Assert.That(created + (created / 100) + 1, Is.LessThanOrEqualTo(1000).And.GreaterThan(980), "ENOSPC at the 1000-node quota");
        });
        XsMessage read = Request(Raw(XsdSockmsgType.Read, Args("data/g0/n0")));
        Assert.That((read.Type, read.Text), Is.EqualTo((XsdSockmsgType.Read, "x")), "the guest can still read");
        AssertBystanderServed();
    }

    [Test]
    public void ANodeOverTheNodeSizeQuotaIsEnospc()
    {
        byte[] value = Encoding.ASCII.GetBytes(new string('v', 2100));
        AssertError(Raw(XsdSockmsgType.Write, [.. Args("data/big"), .. value]), "ENOSPC");
    }

    [Test]
    public void MoreThanFivePermissionsIsEnospc()
    {
        AssertError(Raw(XsdSockmsgType.SetPerms, Args("data", $"n{_bad.Id.Value}", "r0", "r1", "r2", "r3", "r4")), "ENOSPC");
    }

    [Test]
    public void EndingATransactionWithXIsEinval()
    {
        XsMessage start = Request(Raw(XsdSockmsgType.TransactionStart, Args("")));
        uint tx = uint.Parse(start.Strings[0], CultureInfo.InvariantCulture);
        AssertError(Raw(XsdSockmsgType.TransactionEnd, Args("X"), tx), "EINVAL");
    }

    [Test]
    public void ARequestInAnUnknownTransactionIsEnoent()
    {
        AssertError(Raw(XsdSockmsgType.Read, Args("name"), txId: 4242), "ENOENT");
    }

    [Test]
    public void ATransactionStartInsideATransactionIsEbusy()
    {
        XsMessage start = Request(Raw(XsdSockmsgType.TransactionStart, Args("")));
        uint tx = uint.Parse(start.Strings[0], CultureInfo.InvariantCulture);
        AssertError(Raw(XsdSockmsgType.TransactionStart, Args(""), tx), "EBUSY");
    }

    private static byte[] Args(params string[] strings) => Encoding.Latin1.GetBytes(string.Concat(strings.Select(s => s + "\0")));

    private static byte[] Header(XsdSockmsgType type, uint len)
    {
        byte[] header = new byte[XsdSockmsg.Size];
        new XsdSockmsg(type, 1, 0, len).Write(header);
        return header;
    }

    /// <summary>A request with exactly <paramref name="payload"/> and a fresh req_id.</summary>
    private byte[] Raw(XsdSockmsgType type, byte[] payload, uint txId = 0)
    {
        byte[] message = new byte[XsdSockmsg.Size + payload.Length];
        new XsdSockmsg(type, ++_reqId, txId, (uint)payload.Length).Write(message);
        payload.CopyTo(message, XsdSockmsg.Size);
        return message;
    }

    /// <summary>Pushes <paramref name="message"/>, in pieces if it is larger than the free space, letting the server drain between.</summary>
    private void Send(byte[] message)
    {
        int sent = 0;
        while (sent < message.Length)
        {
            int free = RingSize - (int)(_raw.ReqProd - _raw.ReqCons);
            int n = Math.Min(free, message.Length - sent);
            _raw.Send(message[sent..(sent + n)]);
            sent += n;
            _bed.Settle();
        }
    }

    /// <summary>Sends one request and returns its reply (watch events skipped); the reply echoes the req_id.</summary>
    private XsMessage Request(byte[] message)
    {
        uint reqId = XsdSockmsg.Read(message).ReqId;
        Send(message);
        _bed.Settle();
        List<(XsdSockmsg Header, string Payload)> replies = [.. _raw.Take().Where(m => m.Header.Type != XsdSockmsgType.WatchEvent)];
        Assert.That(replies, Has.Count.EqualTo(1), $"one reply (ring error {_raw.Error})");
        (XsdSockmsg header, string payload) = replies[0];
        Assert.That(header.ReqId, Is.EqualTo(reqId), "the reply echoes req_id");
        return new XsMessage(header.Type, header.ReqId, header.TxId, Encoding.Latin1.GetBytes(payload));
    }

    /// <summary>The request gets ERROR "<paramref name="name"/>\0"; the attacker and a bystander are still served.</summary>
    private void AssertError(byte[] message, string name)
    {
        XsMessage reply = Request(message);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Type, Is.EqualTo(XsdSockmsgType.Error), reply.ToString());
            Assert.That(reply.Text, Is.EqualTo(name + "\0"));
            Assert.That(Enum.IsDefined(typeof(Errno), Enum.Parse<Errno>(name)), Is.True, "an xs_wire errno name");
            Assert.That(_raw.Error, Is.EqualTo(XenstoreRingError.None), "an ERROR reply, the ring keeps working");
        });

        XsMessage read = Request(Raw(XsdSockmsgType.Read, Args("name")));
        Assert.That((read.Type, read.Text), Is.EqualTo((XsdSockmsgType.Read, "hostile")), "the attacker is still served");
        AssertBystanderServed();
    }

    /// <summary>Another guest, over its own ring and xenbus client, writes and reads back.</summary>
    private void AssertBystanderServed()
    {
        var results = new List<object>();
        _bed.Run(_good, async () =>
        {
            results.Add(await _good.Client.WriteAsync("data/alive", "yes"));
            results.Add((await _good.Client.ReadAsync("data/alive")).Value!);
            results.Add((await _good.Client.ReadAsync("name")).Value!);
        });
        Assert.That(results, Is.EqualTo(new object[] { Errno.Ok, "yes", "bystander" }), "another guest is still served");
        Assert.That(_bed.Store.Read($"{_good.Home}/data/alive", out string value), Is.EqualTo(Errno.Ok));
        Assert.That(value, Is.EqualTo("yes"));
    }
}
