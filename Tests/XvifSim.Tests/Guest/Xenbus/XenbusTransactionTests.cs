using System.Globalization;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;

namespace XvifSim.Tests.Guest.Xenbus;

/// <summary>
/// Transactions over the ring: commit applies everything, and TransactAsync
/// redoes the body when a concurrent writer changed a node it read, so the
/// commit fails with EAGAIN (docs/reference/xenstore.md, "Transactions": C's generation rule).
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class XenbusTransactionTests(bool threaded)
{
    private XenbusTestBed _bed = null!;
    private XenbusGuest _guest = null!;
    private string _counter = null!;

    [SetUp]
    public void SetUp()
    {
        _bed = new XenbusTestBed(threaded);
        _guest = _bed.AddGuest("guest1");
        _counter = _guest.Home + "/data/counter";
        Assert.That(_bed.Store.Write(_counter, "5"), Is.EqualTo(Errno.Ok));
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void ACommittedTransactionAppliesAllItsWrites()
    {
        XenbusClient xs = _guest.Client;
        Errno result = Errno.EIO;
        string? insideSeen = null;
        _bed.Run(_guest, async () => result = await xs.TransactAsync(async tx =>
        {
            Errno e = await xs.WriteAsync("data/a", "1", tx);
            e = e == Errno.Ok ? await xs.WriteAsync("data/b", "2", tx) : e;

            // Not visible outside the transaction before the commit.
            insideSeen = _bed.Store.Read(_guest.Home + "/data/a", out _).ToString();
            return e;
        }));

        Assert.That(_bed.Store.Read(_guest.Home + "/data/a", out string a), Is.EqualTo(Errno.Ok));
        Assert.That(_bed.Store.Read(_guest.Home + "/data/b", out string b), Is.EqualTo(Errno.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(Errno.Ok));
            Assert.That(insideSeen, Is.EqualTo(nameof(Errno.ENOENT)));
            Assert.That((a, b), Is.EqualTo(("1", "2")));
        });
    }

    [Test]
    public void AnAbortedTransactionAppliesNothingAndReturnsTheBodysError()
    {
        XenbusClient xs = _guest.Client;
        Errno result = Errno.Ok;
        _bed.Run(_guest, async () => result = await xs.TransactAsync(async tx =>
        {
            await xs.WriteAsync("data/a", "1", tx);
            return Errno.ENOSPC;
        }));

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(Errno.ENOSPC));
            Assert.That(_bed.Store.Read(_guest.Home + "/data/a", out _), Is.EqualTo(Errno.ENOENT));
        });
    }

    [Test]
    public void AConcurrentWriteThroughTheCoreMakesTheBodyRunAgain()
    {
        // The toolstack writes straight into the core (libxl's xs_write)
        // between the body's read and its commit, the first time only.
        int attempts = 0;
        Errno result = Errno.EIO;
        _bed.Run(_guest, async () => result = await IncrementCounter(() =>
        {
            if (++attempts == 1)
            {
                Assert.That(_bed.Store.Write(_counter, "100"), Is.EqualTo(Errno.Ok));
            }

            return Task.CompletedTask;
        }));

        Assert.That(_bed.Store.Read(_counter, out string final), Is.EqualTo(Errno.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(Errno.Ok));
            Assert.That(attempts, Is.EqualTo(2), "EAGAIN once, then committed");
            Assert.That(final, Is.EqualTo("101"));
        });
    }

    [Test]
    public void AConcurrentWriteByDom0OverItsRingMakesTheBodyRunAgain()
    {
        // Dom0's kernel writes over its own ring, on its own vCPU, while the
        // guest's transaction is open; the guest waits for it to finish.
        int attempts = 0;
        Errno result = Errno.EIO;
        Errno dom0Wrote = Errno.EIO;
        _bed.Run(_guest, async () => result = await IncrementCounter(async () =>
        {
            if (++attempts == 1)
            {
                var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _bed.Start(_bed.Dom0, async () =>
                {
                    dom0Wrote = await _bed.Dom0.Client.WriteAsync(_counter, "100");
                    written.SetResult();
                });
                await written.Task;
            }
        }));

        Assert.That(_bed.Store.Read(_counter, out string final), Is.EqualTo(Errno.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(dom0Wrote, Is.EqualTo(Errno.Ok));
            Assert.That(result, Is.EqualTo(Errno.Ok));
            Assert.That(attempts, Is.EqualTo(2), "EAGAIN once, then committed");
            Assert.That(final, Is.EqualTo("101"));
        });
    }

    /// <summary>Reads the counter in a transaction, lets <paramref name="meddle"/> run, writes counter + 1.</summary>
    private Task<Errno> IncrementCounter(Func<Task> meddle)
    {
        XenbusClient xs = _guest.Client;
        return xs.TransactAsync(async tx =>
        {
            XsResult<string> read = await xs.ReadAsync("data/counter", tx);
            if (!read.IsOk)
            {
                return read.Error;
            }

            await meddle();
            int next = int.Parse(read.Value!, CultureInfo.InvariantCulture) + 1;
            return await xs.WriteAsync("data/counter", next.ToString(CultureInfo.InvariantCulture), tx);
        });
    }
}
