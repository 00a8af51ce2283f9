using System.Text.RegularExpressions;
using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Netif;
using XvifSim.Public.Trace;
using XvifSim.Tests.Backend;

namespace XvifSim.Tests.Hostile;

/// <summary>
/// Dom0 (xenbus bus + xvif driver, on the XvifHarness) with two guests
/// through it: d1 "hostile", driven by a <see cref="HostileFrontend"/>, and
/// d2 "healthy", a well-behaved test frontend whose round trips (a TX frame up
/// to dom0 and a frame from dom0 into a posted RX buffer) must keep working
/// whatever the hostile one does. Both vifs are up and their frames are
/// collected in dom0.
/// </summary>
internal sealed partial class HostileBed : IDisposable
{
    private int _healthyRounds;

    public HostileBed(bool threaded = false, int seed = 1, ITraceSink? trace = null)
    {
        InterposedHypercalls? dom0Calls = null;
        H = new XvifHarness(threaded, seed, dom0Hypercalls: inner => dom0Calls = new InterposedHypercalls(inner), trace: trace);
        Dom0Calls = dom0Calls!;
        Dom0Baseline = [.. H.Machine.Outstanding()];
        TestFrontend hostile = XvifTxTests.ConnectGuest(H, "hostile", out NetworkInterface hostileVif, out List<byte[]> hostileReceived);
        HostileVif = hostileVif;
        HostileReceived = hostileReceived;
        Hostile = new HostileFrontend(this, hostile);
        Healthy = XvifTxTests.ConnectGuest(H, "healthy", out NetworkInterface healthyVif, out List<byte[]> healthyReceived);
        HealthyVif = healthyVif;
        HealthyReceived = healthyReceived;
        AssertHealthyPasses("before the attack");
    }

    public XvifHarness H { get; }

    public InterposedHypercalls Dom0Calls { get; }

    /// <summary>What dom0 holds for itself before any guest (the store channel and such).</summary>
    public HashSet<string> Dom0Baseline { get; }

    public HostileFrontend Hostile { get; }

    public NetworkInterface HostileVif { get; }

    public List<byte[]> HostileReceived { get; }

    public TestFrontend Healthy { get; }

    public NetworkInterface HealthyVif { get; }

    public List<byte[]> HealthyReceived { get; }

    public string Dom0Text => string.Join('\n', H.Dom0Log);

    /// <summary>
    /// One healthy round trip, both ways: a TX frame answered OKAY and seen by
    /// dom0 intact, and a frame from dom0 landing in a freshly posted RX
    /// buffer. Each step must finish within <paramref name="limit"/> of
    /// scheduler time (10 s by default). The healthy vif's counters show no
    /// error or drop, ever.
    /// </summary>
    public void AssertHealthyPasses(string when, TimeSpan? limit = null)
    {
        TimeSpan within = limit ?? TimeSpan.FromSeconds(10);
        int round = _healthyRounds++;
        int before = HealthyReceived.Count;
        byte[] up = TestFrontend.Frame(64 + round, seed: (byte)(round + 3));
        ushort id = (ushort)(round % 256);
        Healthy.SendFrame(up, id);
        Assert.That(H.Machine.Scheduler.RunUntil(() => Healthy.TxPending >= 1 && HealthyReceived.Count > before, within), $"healthy TX {when}\n{Dom0Text}");
        List<NetifTxResponse> tx = Healthy.TakeTx(1);
        byte[] down = TestFrontend.Frame(80 + round, seed: (byte)(round + 7));
        Healthy.PostRx(1);
        Assert.That(H.On(H.Dom0, () => HealthyVif.Send(down)), $"dom0 sends to the healthy guest {when}");
        Assert.That(H.Machine.Scheduler.RunUntil(() => Healthy.RxPending >= 1, within), $"healthy RX {when}\n{Dom0Text}");
        List<(NetifRxResponse Response, byte[] Data)> rx = Healthy.TakeRx();
        Assert.Multiple(() =>
        {
            Assert.That(tx.Select(r => (r.Id, r.Status)), Is.EqualTo(new[] { (id, NetifRsp.Okay) }), when);
            Assert.That(HealthyReceived[^1], Is.EqualTo(up), when);
            Assert.That(rx.Select(r => (int)r.Response.Status), Is.EqualTo(new[] { down.Length }), when);
            Assert.That(rx[0].Data, Is.EqualTo(down), when);
            Assert.That(HealthyVif.Counters.InPackets, Is.EqualTo(_healthyRounds), when);
            Assert.That(HealthyVif.Counters.OutPackets, Is.EqualTo(_healthyRounds), when);
            Assert.That(HealthyVif.Counters.InErrors + HealthyVif.Counters.InDrops + HealthyVif.Counters.OutErrors + HealthyVif.Counters.OutDrops, Is.Zero, when);
            Assert.That(H.Read($"{XvifHarness.BackendDir(Healthy.DomId, 0)}/state"), Is.EqualTo("4"), when);
        });
    }

    /// <summary>
    /// Every TX request the hostile guest posted got exactly one response,
    /// and the xvif's counters are the reference's per-slot accounting:
    /// one if_ierrors per ERROR, one if_iqdrops per DROPPED (a DROPPED slot
    /// blamed for the packet counts as an error, see <paramref name="blamedDropped"/>),
    /// one packet in per frame that went up.
    /// </summary>
    public void AssertTxAccounted(IReadOnlyCollection<NetifTxResponse> responses, int blamedDropped = 0)
    {
        int errors = responses.Count(r => r.Status == NetifRsp.Error);
        int dropped = responses.Count(r => r.Status == NetifRsp.Dropped);
        Assert.Multiple(() =>
        {
            Assert.That(responses, Has.Count.EqualTo(Hostile.PostedTx), "one response per request");
            Assert.That(Hostile.TxPending, Is.Zero, "no response beyond the requests");
            Assert.That(HostileVif.Counters.InErrors, Is.EqualTo(errors + blamedDropped), "if_ierrors");
            Assert.That(HostileVif.Counters.InDrops, Is.EqualTo(dropped - blamedDropped), "if_iqdrops");
            Assert.That(HostileVif.Counters.InPackets, Is.EqualTo(HostileReceived.Count), "if_ipackets");
        });
    }

    /// <summary>
    /// The hostile vif is disabled (Linux's XSA-39 answer): the reason line
    /// and the fatal line in dom0's log, carrier off, XenStore unchanged; the
    /// requests before the bad packet were answered, the rest never are.
    /// </summary>
    public void AssertFatallyDisabled(string reason, int answeredBefore = 0)
    {
        string vif = Hostile.Fe.VifName;
        Assert.That(H.WaitForLog($"{vif}: {reason}"), Dom0Text);
        Assert.That(H.WaitForLog($"{vif}: fatal error; disabling device"), Dom0Text);
        Assert.That(H.On(H.Dom0, () => HostileVif.IsRunning), Is.False, "carrier off");
        Assert.That(H.Read($"{XvifHarness.BackendDir(Hostile.Fe.DomId, 0)}/state"), Is.EqualTo("4"), "XenStore state unchanged");
        Assert.That(H.On(H.Dom0, () => H.Driver.Instances.Single(i => i.Name == vif).IsDisabled), "the instance is disabled");

        uint answered = Hostile.TxPending;
        int wentUp = HostileReceived.Count;
        Assert.That(answered, Is.EqualTo(answeredBefore), "only the requests before the violation are answered");

        // The rings are no longer serviced; dom0 queues nothing for it either.
        Hostile.Fe.SendFrame(TestFrontend.Frame(60), id: 99);
        H.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.That(Hostile.TxPending, Is.EqualTo(answered));
        Assert.That(H.On(H.Dom0, () => HostileVif.Send(TestFrontend.Frame(60))), Is.False, "dom0's frames for it are dropped");
        Assert.That(HostileReceived, Has.Count.EqualTo(wentUp), "nothing more goes up");
    }

    /// <summary>What dom0 and the machine still hold that concerns the hostile domain (nothing once it is gone).</summary>
    public List<string> HostileLeftovers()
    {
        var mentions = new Regex($@"\bd{Hostile.Fe.DomId.Value}\b", RegexOptions.CultureInvariant);
        return [.. H.Machine.Outstanding().Where(o => !Dom0Baseline.Contains(o) && mentions.IsMatch(o))];
    }

    public void Dispose() => H.Dispose();
}
