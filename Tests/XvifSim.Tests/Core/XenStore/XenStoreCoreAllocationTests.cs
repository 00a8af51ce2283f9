using System.Text;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>
/// The core's per-request allocation, measured on the test's own thread with
/// GC.GetAllocatedBytesForCurrentThread (deterministic, unlike a timing):
/// READ and WRITE of an existing node through <see cref="XenStoreCore.Process"/>,
/// with wire-format payloads as the ring and socket servers hand them over
/// and a sink that copies each message into one reused buffer as they do,
/// must stay under issue 15's 64 bytes each on average. The requests do all
/// a server's request does: an unprivileged caller (permission checks,
/// quotas), a relative path, a watch that matches and one that does not,
/// the reply and the event formatted and delivered.
/// </summary>
public class XenStoreCoreAllocationTests
{
    private const int Ops = 10_000;
    private const double BudgetBytes = 64;

    [Test]
    public void ReadOfAnExistingNodeAllocatesUnder64BytesPerRequest()
    {
        var bed = new Bed();
        byte[] read = XsTestClient.Args("data/node");
        double perOp = AllocatedPerOp(() => bed.Core.Process(bed.Guest.Connection, XsdSockmsgType.Read, 7, 0, read));
        Assert.Multiple(() =>
        {
            Assert.That(perOp, Is.LessThan(BudgetBytes), "bytes allocated per READ");
            Assert.That(bed.Guest.LastType, Is.EqualTo(XsdSockmsgType.Read));
            Assert.That(bed.Guest.LastPayload, Is.EqualTo("value-0"), "the READ answered the value");
        });
    }

    [Test]
    public void WriteOfAnExistingNodeAllocatesUnder64BytesPerRequestEventIncluded()
    {
        var bed = new Bed();
        byte[][] writes = [XsTestClient.Args("data/node", "value-1")[..^1], XsTestClient.Args("data/node", "value-2")[..^1]];
        int events = bed.Watcher.Events;
        int i = 0;
        double perOp = AllocatedPerOp(() => bed.Core.Process(bed.Guest.Connection, XsdSockmsgType.Write, 7, 0, writes[i++ & 1]));
        bed.Process(bed.Guest, XsdSockmsgType.Read, XsTestClient.Args("data/node"));
        Assert.Multiple(() =>
        {
            Assert.That(perOp, Is.LessThan(BudgetBytes), "bytes allocated per WRITE");
            Assert.That(bed.Watcher.Events - events, Is.EqualTo(i), "every WRITE fired the watch on /local/domain/1/data");
            Assert.That(bed.Watcher.LastPayload, Is.EqualTo("/local/domain/1/data/node\0w\0"), "the event names the node and the token");
            Assert.That(bed.Guest.LastPayload, Is.EqualTo(i % 2 == 0 ? "value-2" : "value-1"), "the last value written is stored");
        });
    }

    [Test]
    public void AnOpenTransactionStillSeesTheValueItStartedWithAfterInPlaceWrites()
    {
        var bed = new Bed();
        byte[] read = XsTestClient.Args("data/node");
        bed.Process(bed.Guest, XsdSockmsgType.Write, XsTestClient.Args("data/node", "start")[..^1]);
        bed.Core.Process(bed.Guest.Connection, XsdSockmsgType.TransactionStart, 1, 0, XsTestClient.Args(""));
        uint tx = uint.Parse(bed.Guest.LastPayload.TrimEnd('\0'), System.Globalization.CultureInfo.InvariantCulture);
        bed.Process(bed.Guest, XsdSockmsgType.Write, XsTestClient.Args("data/node", "later1")[..^1]);
        bed.Process(bed.Guest, XsdSockmsgType.Write, XsTestClient.Args("data/node", "later2")[..^1]);
        bed.Core.Process(bed.Guest.Connection, XsdSockmsgType.Read, 2, tx, read);
        string inTransaction = bed.Guest.LastPayload;
        bed.Core.Process(bed.Guest.Connection, XsdSockmsgType.TransactionEnd, 3, tx, XsTestClient.Args("T"));
        Assert.Multiple(() =>
        {
            Assert.That(inTransaction, Is.EqualTo("start"), "the transaction's view is the store at TRANSACTION_START");
            Assert.That((bed.Guest.LastType, bed.Guest.LastPayload), Is.EqualTo((XsdSockmsgType.Error, "EAGAIN\0")), "the node it read changed since");
        });
        bed.Process(bed.Guest, XsdSockmsgType.Read, read);
        Assert.That(bed.Guest.LastPayload, Is.EqualTo("later2"));
    }

    private static double AllocatedPerOp(Action op)
    {
        // Warm up: JIT tiers, pool buckets and list capacities settle.
        for (int i = 0; i < 1000; i++)
        {
            op();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Ops; i++)
        {
            op();
        }

        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / Ops;
    }

    /// <summary>
    /// A store with guest 1 introduced and owning its home, its node
    /// data/node, dom0 watching /local/domain/1/data and guest 2 watching
    /// its own home (a watch that never matches).
    /// </summary>
    private sealed class Bed
    {
        public Bed()
        {
            Core = new XenStoreCore();
            var dom0 = new BufferSink(Core, DomId.Dom0, privileged: true);
            Assert.That(Core.IntroduceDomain(new DomId(1)), Is.EqualTo(Errno.Ok));
            Assert.That(Core.IntroduceDomain(new DomId(2)), Is.EqualTo(Errno.Ok));
            Process(dom0, XsdSockmsgType.Mkdir, XsTestClient.Args("/local/domain/1"));
            Process(dom0, XsdSockmsgType.SetPerms, XsTestClient.Args("/local/domain/1", "n1"));
            Process(dom0, XsdSockmsgType.Mkdir, XsTestClient.Args("/local/domain/2"));
            Process(dom0, XsdSockmsgType.SetPerms, XsTestClient.Args("/local/domain/2", "n2"));
            Guest = new BufferSink(Core, new DomId(1), privileged: false);
            Process(Guest, XsdSockmsgType.Write, XsTestClient.Args("data/node", "value-0")[..^1]);
            Watcher = dom0;
            Process(Watcher, XsdSockmsgType.Watch, XsTestClient.Args("/local/domain/1/data", "w"));
            var other = new BufferSink(Core, new DomId(2), privileged: false);
            Process(other, XsdSockmsgType.Watch, XsTestClient.Args("/local/domain/2", "o"));
        }

        public XenStoreCore Core { get; }

        public BufferSink Guest { get; }

        public BufferSink Watcher { get; }

        /// <summary>Sends a set-up request and checks that it succeeded (not for the measured loops: the check allocates).</summary>
        public void Process(BufferSink client, XsdSockmsgType type, byte[] payload)
        {
            Core.Process(client.Connection, type, 7, 0, payload);
            Assert.That(client.LastType, Is.Not.EqualTo(XsdSockmsgType.Error), () => $"{type}: {client.LastPayload}");
        }
    }

    /// <summary>A client as the servers are one: each message is copied into one buffer allocated once.</summary>
    private sealed class BufferSink
    {
        private readonly byte[] _buffer = new byte[XsLimits.PayloadMax];
        private int _length;

        public BufferSink(XenStoreCore core, DomId domain, bool privileged)
        {
            Connection = core.Connect(domain, privileged, Receive);
        }

        public XsConnection Connection { get; }

        public XsdSockmsgType LastType { get; private set; }

        public int Events { get; private set; }

        public string LastPayload => Encoding.Latin1.GetString(_buffer, 0, _length);

        private void Receive(XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload)
        {
            LastType = type;
            Events += type == XsdSockmsgType.WatchEvent ? 1 : 0;
            payload.CopyTo(_buffer);
            _length = payload.Length;
        }
    }
}
