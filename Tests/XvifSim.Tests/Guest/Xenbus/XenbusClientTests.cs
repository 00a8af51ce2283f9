using XvifSim.Guest.Xenbus;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Guest.Xenbus;

/// <summary>
/// The guest's xenbus client against the in-hypervisor xenstored, over the
/// real ring page and store event channel, under both schedulers.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class XenbusClientTests(bool threaded)
{
    private XenbusTestBed _bed = null!;
    private XenbusGuest _guest = null!;

    [SetUp]
    public void SetUp()
    {
        _bed = new XenbusTestBed(threaded);
        _guest = _bed.AddGuest("guest1");
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void RelativePathsResolveUnderTheDomainsHome()
    {
        XenbusClient xs = _guest.Client;
        var results = new List<object>();
        _bed.Run(_guest, async () =>
        {
            results.Add(await xs.WriteAsync("data/x", "1"));
            results.Add(await xs.MkdirAsync("data/d"));
            results.Add((await xs.ReadAsync("data/x")).Value!);
            results.Add(string.Join(",", (await xs.DirectoryAsync("data")).Value!));
            results.Add((await xs.ReadAsync(_guest.Home + "/data/x")).Value!);
            results.Add((await xs.ReadAsync("name")).Value!);
        });

        Assert.That(_bed.Store.Read(_guest.Home + "/data/x", out string value), Is.EqualTo(Errno.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(value, Is.EqualTo("1"));
            Assert.That(results, Is.EqualTo(new object[] { Errno.Ok, Errno.Ok, "1", "x,d", "1", "guest1" }));
        });
    }

    [Test]
    public void RmRemovesAndAReadOfAMissingNodeIsEnoent()
    {
        XenbusClient xs = _guest.Client;
        var results = new List<object>();
        _bed.Run(_guest, async () =>
        {
            results.Add(await xs.WriteAsync("data/x/y", "v"));
            results.Add(await xs.RmAsync("data/x"));
            results.Add((await xs.ReadAsync("data/x/y")).Error);
            results.Add((await xs.DirectoryAsync("data")).Value!.Count);
            results.Add(await xs.RmAsync("data/x"));
        });

        // RM of a missing node whose parent exists is OK (docs/reference/xenstore.md, "Operations"; C's do_rm).
        Assert.That(results, Is.EqualTo(new object[] { Errno.Ok, Errno.Ok, Errno.ENOENT, 0, Errno.Ok }));
    }

    [Test]
    public void AGuestCannotReadAnotherGuestsHomeButDom0Can()
    {
        XenbusGuest other = _bed.AddGuest("guest2");
        string secret = other.Home + "/data/secret";
        Assert.That(_bed.Store.Write(secret, "s"), Is.EqualTo(Errno.Ok));

        var guestSaw = new List<Errno>();
        _bed.Run(_guest, async () =>
        {
            guestSaw.Add((await _guest.Client.ReadAsync(secret)).Error);
            guestSaw.Add((await _guest.Client.ReadAsync(other.Home + "/name")).Error);
            guestSaw.Add(await _guest.Client.WriteAsync(other.Home + "/data/x", "1"));
        });

        XsResult<string> dom0Saw = default;
        _bed.Run(_bed.Dom0, async () => dom0Saw = await _bed.Dom0.Client.ReadAsync(secret));

        Assert.Multiple(() =>
        {
            Assert.That(guestSaw, Is.EqualTo(new[] { Errno.EACCES, Errno.EACCES, Errno.EACCES }));
            Assert.That(dom0Saw, Is.EqualTo(XsResult<string>.Ok("s")));
        });
    }

    [Test]
    public void ManyRequestsInFlightWrapTheRingAndCompleteInOrder()
    {
        // 50 writes of ~230 bytes are eleven rings' worth of requests: the client
        // queues what does not fit, and messages straddle the wrap and arrive
        // over several notifications in both directions (the READ replies are
        // as big as the values).
        const int Count = 50;
        string Value(int i) => $"{i:D3}:" + new string((char)('a' + (i % 26)), 200);
        XenbusClient xs = _guest.Client;
        var writeOrder = new List<int>();
        var readOrder = new List<int>();
        Errno[] writes = [];
        XsResult<string>[] reads = [];
        _bed.Run(_guest, async () =>
        {
            async Task<Errno> Write(int i)
            {
                Errno e = await xs.WriteAsync($"data/k{i}", Value(i));
                writeOrder.Add(i);
                return e;
            }

            async Task<XsResult<string>> Read(int i)
            {
                XsResult<string> r = await xs.ReadAsync($"data/k{i}");
                readOrder.Add(i);
                return r;
            }

            writes = await Task.WhenAll(Enumerable.Range(0, Count).Select(Write).ToArray());
            reads = await Task.WhenAll(Enumerable.Range(0, Count).Select(Read).ToArray());
        });

        Span<byte> page = _guest.Domain.XenstoreRing.Span;
        uint reqProd = SharedBits.ReadU32(page, XenstoreDomainInterface.ReqProdOffset);
        uint rspProd = SharedBits.ReadU32(page, XenstoreDomainInterface.RspProdOffset);
        Assert.Multiple(() =>
        {
            Assert.That(writes, Is.All.EqualTo(Errno.Ok));
            Assert.That(reads.Select(r => r.Value), Is.EqualTo(Enumerable.Range(0, Count).Select(Value)));
            Assert.That(writeOrder, Is.EqualTo(Enumerable.Range(0, Count)), "replies come back in request order");
            Assert.That(readOrder, Is.EqualTo(Enumerable.Range(0, Count)));
            Assert.That(reqProd, Is.GreaterThan(10 * XenstoreDomainInterface.RingSize));
            Assert.That(rspProd, Is.GreaterThan(10 * XenstoreDomainInterface.RingSize));
            Assert.That(_guest.Client.Broken, Is.Null);
        });
    }

    [Test]
    public void AReplyLargerThanTheRingArrivesWhole()
    {
        // ~150 children of 20-odd bytes: a DIRECTORY reply of about 3.5 KiB,
        // over three times the 1024-byte rsp ring (the store lets the
        // privileged toolstack exceed the unprivileged node-size quota).
        string big = _guest.Home + "/data/big";
        string[] names = [.. Enumerable.Range(0, 150).Select(i => $"child-with-a-name-{i:D3}")];
        foreach (string name in names)
        {
            Assert.That(_bed.Store.Mkdir($"{big}/{name}"), Is.EqualTo(Errno.Ok));
        }

        XsResult<IReadOnlyList<string>> listing = default;
        _bed.Run(_guest, async () => listing = await _guest.Client.DirectoryAsync("data/big"));

        Assert.Multiple(() =>
        {
            Assert.That(listing.Error, Is.EqualTo(Errno.Ok));
            Assert.That(listing.Value, Is.EquivalentTo(names));
            Assert.That(names.Sum(n => n.Length + 1), Is.GreaterThan(3 * XenstoreDomainInterface.RingSize));
        });
    }
}
