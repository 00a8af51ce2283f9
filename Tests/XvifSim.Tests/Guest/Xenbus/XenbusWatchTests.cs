using System.Collections.Concurrent;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;

namespace XvifSim.Tests.Guest.Xenbus;

/// <summary>
/// Watches over the ring (docs/reference/xenstore.md, "Watches"): the first event at once, then one
/// per change at or below the path, delivered to the callback on the guest's
/// vCPU inside its kernel context; none after UNWATCH.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class XenbusWatchTests(bool threaded)
{
    private XenbusTestBed _bed = null!;
    private XenbusGuest _guest = null!;
    private ConcurrentQueue<(string Path, string Token, bool OnVcpu)> _events = null!;
    private SynchronizationContext? _kernelContext;

    [SetUp]
    public void SetUp()
    {
        _bed = new XenbusTestBed(threaded);
        _guest = _bed.AddGuest("guest1");
        _events = new();
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void EventsComeAtOnceThenForChangesBelowThePathOnTheVcpu()
    {
        Errno watched = Errno.EIO;
        _bed.Run(_guest, async () => watched = await Watch("data", "tok"));
        _bed.RunUntil(() => _events.Count == 1, "the first event");

        Assert.That(_bed.Store.Write(_guest.Home + "/data/a", "1"), Is.EqualTo(Errno.Ok));
        Assert.That(_bed.Store.Write(_guest.Home + "/data/a/b", "2"), Is.EqualTo(Errno.Ok));
        Assert.That(_bed.Store.Write(_guest.Home + "/device/x", "3"), Is.EqualTo(Errno.Ok));
        Assert.That(_bed.Store.Write(_guest.Home + "/data", "4"), Is.EqualTo(Errno.Ok));
        _bed.RunUntil(() => _events.Count == 4, "an event per change at or below data");
        _bed.Settle();

        Assert.Multiple(() =>
        {
            Assert.That(watched, Is.EqualTo(Errno.Ok));

            // A relative watch reports relative paths (docs/reference/xenstore.md, "Paths").
            Assert.That(_events.Select(e => e.Path), Is.EqualTo(new[] { "data", "data/a", "data/a/b", "data" }));
            Assert.That(_events.Select(e => e.Token), Is.All.EqualTo("tok"));
            Assert.That(_events.Select(e => e.OnVcpu), Is.All.True, "callbacks run on the guest's vCPU in its kernel context");
        });
    }

    [Test]
    public void UnwatchStopsEvents()
    {
        Errno unwatched = Errno.EIO;
        _bed.Run(_guest, async () => await Watch("data", "tok"));
        _bed.RunUntil(() => _events.Count == 1, "the first event");
        Assert.That(_bed.Store.Write(_guest.Home + "/data/a", "1"), Is.EqualTo(Errno.Ok));
        _bed.RunUntil(() => _events.Count == 2, "the event for data/a");

        _bed.Run(_guest, async () => unwatched = await _guest.Client.UnwatchAsync("data", "tok"));
        Assert.That(_bed.Store.Write(_guest.Home + "/data/a", "2"), Is.EqualTo(Errno.Ok));
        _bed.Run(_guest, async () => await _guest.Client.WriteAsync("data/b", "3"));
        _bed.Settle();

        Assert.Multiple(() =>
        {
            Assert.That(unwatched, Is.EqualTo(Errno.Ok));
            Assert.That(_events.Select(e => e.Path), Is.EqualTo(new[] { "data", "data/a" }));
        });
    }

    [Test]
    public void ACallbackMayIssueRequests()
    {
        // What every xenbus watch handler does: read the node that changed.
        var reads = new ConcurrentQueue<XsResult<string>>();
        _bed.Run(_guest, async () => await _guest.Client.WatchAsync("data/a", "tok", (path, _) =>
            _bed.Start(_guest, async () => reads.Enqueue(await _guest.Client.ReadAsync(path)))));
        _bed.RunUntil(() => reads.Count == 1, "the read after the first event");

        var inline = new ConcurrentQueue<Task<XsResult<string>>>();
        _bed.Run(_guest, async () => await _guest.Client.WatchAsync("data", "tok2", (path, _) => inline.Enqueue(_guest.Client.ReadAsync(path))));
        Assert.That(_bed.Store.Write(_guest.Home + "/data/a", "1"), Is.EqualTo(Errno.Ok));
        _bed.RunUntil(() => reads.Count == 2 && inline.Count == 2 && inline.All(t => t.IsCompleted), "the reads after the write");

        Assert.Multiple(() =>
        {
            Assert.That(reads.Select(r => r.Error), Is.EqualTo(new[] { Errno.ENOENT, Errno.Ok }));
            Assert.That(inline.Select(t => t.Result.Error), Is.EqualTo(new[] { Errno.Ok, Errno.Ok }), "data (empty) and data/a");
        });
    }

    /// <summary>Sets a watch whose callback records each event and whether it ran inside the guest's kernel on its vCPU.</summary>
    private Task<Errno> Watch(string path, string token)
    {
        _kernelContext = SynchronizationContext.Current;
        return _guest.Client.WatchAsync(path, token, (p, t) =>
        {
            bool onVcpu = _kernelContext is not null
                && SynchronizationContext.Current == _kernelContext
                && (!threaded || _guest.OnOwnThreadedVcpu);
            _events.Enqueue((p, t, onVcpu));
        });
    }
}
