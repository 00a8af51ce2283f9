using XvifSim.Emulator.XenStore;
using XvifSim.Public;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>The toolstack's synchronous client: transactions, their retry on EAGAIN, and GET_PERMS.</summary>
public class XsHostClientTests
{
    [Test]
    public void WritesInATransactionAreSeenByOthersOnlyAfterCommit()
    {
        var core = new XenStoreCore();
        using var client = new XsHostClient(core);
        var other = new XsTestClient(core, DomId.Dom0, privileged: true);

        Assert.That(client.TransactionStart(out uint tx), Is.EqualTo(Errno.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(tx, Is.Not.Zero);
            Assert.That(client.Write("/a", "1", tx), Is.EqualTo(Errno.Ok));
            Assert.That(client.Read("/a", out string inside, tx), Is.EqualTo(Errno.Ok));
            Assert.That(inside, Is.EqualTo("1"));
            XsAssert.IsError(other.Read("/a"), "ENOENT");
            Assert.That(client.TransactionEnd(tx, commit: true), Is.EqualTo(Errno.Ok));
            XsAssert.HasValue(other.Read("/a"), "1");
        });
    }

    [Test]
    public void ADiscardedTransactionLeavesNothing()
    {
        var core = new XenStoreCore();
        using var client = new XsHostClient(core);
        Assert.That(client.TransactionStart(out uint tx), Is.EqualTo(Errno.Ok));
        Assert.That(client.Mkdir("/d", tx), Is.EqualTo(Errno.Ok));
        Assert.That(client.TransactionEnd(tx, commit: false), Is.EqualTo(Errno.Ok));
        Assert.That(client.Read("/d", out _), Is.EqualTo(Errno.ENOENT));
    }

    [Test]
    public void RunTransactionRedoesTheBodyWhenTheCommitConflicts()
    {
        var core = new XenStoreCore();
        using var client = new XsHostClient(core);
        var other = new XsTestClient(core, DomId.Dom0, privileged: true);
        Assert.That(client.Write("/a", "1"), Is.EqualTo(Errno.Ok));
        int attempts = 0;

        Errno result = client.RunTransaction(tx =>
        {
            attempts++;
            client.Read("/a", out _, tx);
            if (attempts == 1)
            {
                other.Write("/a", "2");
            }

            return client.Write("/b", $"attempt {attempts}", tx);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(Errno.Ok));
            Assert.That(attempts, Is.EqualTo(2));
            Assert.That(client.Read("/b", out string b), Is.EqualTo(Errno.Ok));
            Assert.That(b, Is.EqualTo("attempt 2"));
        });
    }

    [Test]
    public void RunTransactionGivesUpWithEagainAfterTheLimit()
    {
        var core = new XenStoreCore();
        using var client = new XsHostClient(core);
        var other = new XsTestClient(core, DomId.Dom0, privileged: true);
        int attempts = 0;

        Errno result = client.RunTransaction(tx =>
        {
            attempts++;
            client.Read("/a", out _, tx);
            other.Write("/a", $"{attempts}");
            return client.Write("/b", "x", tx);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(Errno.EAGAIN));
            Assert.That(attempts, Is.EqualTo(XsHostClient.MaxTransactionAttempts));
            Assert.That(client.Read("/b", out _), Is.EqualTo(Errno.ENOENT));
        });
    }

    [Test]
    public void ABodyThatFailsIsDiscardedAndItsErrorReturned()
    {
        var core = new XenStoreCore();
        using var client = new XsHostClient(core);

        Errno result = client.RunTransaction(tx =>
        {
            client.Write("/c", "x", tx);
            return client.Read("/missing", out _, tx);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(Errno.ENOENT));
            Assert.That(client.Read("/c", out _), Is.EqualTo(Errno.ENOENT));
        });
    }

    [Test]
    public void GetPermsReturnsTheListOwnerFirst()
    {
        var core = new XenStoreCore();
        using var client = new XsHostClient(core);
        Assert.That(client.Mkdir("/p"), Is.EqualTo(Errno.Ok));
        Assert.That(client.SetPerms("/p", "n0", "r3", "w4"), Is.EqualTo(Errno.Ok));

        Assert.Multiple(() =>
        {
            Assert.That(client.GetPerms("/p", out IReadOnlyList<string> perms), Is.EqualTo(Errno.Ok));
            Assert.That(perms, Is.EqualTo(new[] { "n0", "r3", "w4" }));
            Assert.That(client.GetPerms("/nowhere", out IReadOnlyList<string> none), Is.EqualTo(Errno.ENOENT));
            Assert.That(none, Is.Empty);
        });
    }
}
