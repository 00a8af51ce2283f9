using System.Globalization;
using XvifSim.Host.Scenarios;
using XvifSim.Tests.Host.Scenarios;

namespace XvifSim.Tests.Host.Trace;

/// <summary>
/// The protocol trace in each scenario's all.pcapng, read by the real tshark
/// with tools/wireshark/xvifsim.lua: both handshakes in order, every ring
/// request answered once, every grant copy with its status, the frontend's
/// handshake transaction begun and ended; one seed gives the same bytes;
/// --no-trace leaves the records out; the threaded scheduler writes in time
/// order. (many-guests is left out of the per-scenario reading: tshark takes
/// half a minute over its 64 guests' records.)
/// </summary>
public class TraceScenarioTests
{
    private static readonly string[] Scenarios = ["ping", "guest-to-guest", "udp-stream", "jumbo", "hotplug", "suspend-resume", "rx-starvation", "bad-mac"];

    private string _captures = "";

    [SetUp]
    public void MakeDirectory() => _captures = Directory.CreateTempSubdirectory("xvifsim-trace-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_captures, recursive: true);

    private string Run(string name, ScenarioOptions options, string? into = null)
    {
        var output = new StringWriter();
        ScenarioResult result = ScenarioCatalog.Find(name)!.Run(options with { CaptureDirectory = into ?? _captures }, output);
        Assert.That(result.Failures, Is.Empty, output.ToString());
        return Path.Combine(into ?? _captures, name, "all.pcapng");
    }

    [TestCaseSource(nameof(Scenarios))]
    public void TheProtocolOfTheRunIsInAllPcapng(string scenario)
    {
        List<TraceRow> rows = TraceRecords.Read(Run(scenario, new ScenarioOptions(Seed: 1)));
        Assert.Multiple(() =>
        {
            List<int> frontends = HandshakesRunInOrder(rows);
            EveryRequestHasExactlyOneResponse(rows);
            EveryGrantCopyHasItsStatus(rows);
            foreach (int domid in frontends)
            {
                TheHandshakeTransactionBeginsAndEnds(rows, domid);
            }
        });
    }

    /// <summary>
    /// Each device path's xenbus records up to its first Connected: 1, 3, 4
    /// for xennet (NetBSD's xennet goes Initialised, then Connected once it
    /// sees the backend Connected) and 1, 2, 4 for xvif (InitWait, then
    /// Connected). Returns the frontends' domain ids.
    /// </summary>
    private static List<int> HandshakesRunInOrder(List<TraceRow> rows)
    {
        var frontends = new List<int>();
        var connected = new HashSet<string>();
        foreach (IGrouping<string, TraceRow> device in rows.Where(r => r.Has("xenbus.path")).GroupBy(r => r["xenbus.path"]))
        {
            List<int> states = [device.First().Int("xenbus.old_state")];
            foreach (TraceRow row in device)
            {
                states.Add(row.Int("xenbus.new_state"));
                if (states[^1] == 4)
                {
                    break;
                }
            }

            if (states[^1] != 4)
            {
                continue;
            }

            string end = device.First()["xenbus.end"];
            connected.Add(end);
            Assert.That(states, Is.EqualTo(end == "frontend" ? new[] { 1, 3, 4 } : new[] { 1, 2, 4 }), $"{end} {device.Key}: states up to Connected");
            if (end == "frontend")
            {
                frontends.Add(device.First().Int("xvifsim.domid"));
            }
        }

        Assert.That(connected, Is.EquivalentTo(new[] { "frontend", "backend" }), "both ends of some vif reach Connected");
        return frontends;
    }

    /// <summary>
    /// Every response a backend pushed answers exactly one request pushed
    /// before it with its id on its ring; every TX request is answered; RX
    /// requests may stay unanswered at the end only as buffers still posted
    /// (at most a ring's worth per ring).
    /// </summary>
    private static void EveryRequestHasExactlyOneResponse(List<TraceRow> rows)
    {
        List<TraceRow> requests = [.. rows.Where(r => r["netif.action"] == "request pushed")];
        List<TraceRow> responses = [.. rows.Where(r => r["netif.action"] == "response pushed")];
        Assert.That(requests, Is.Not.Empty, "ring requests are traced");
        Assert.That(responses.Where(r => !r.Has("netif.request_in")), Is.Empty, "responses that answer no outstanding request");
        Assert.That(responses.GroupBy(r => r["netif.request_in"]).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "requests answered twice");
        Assert.That(requests.Where(r => r["netif.ring"] == "tx" && !r.Has("netif.response_in")), Is.Empty, "TX requests never answered");
        foreach (IGrouping<string, TraceRow> ring in requests.Where(r => r["netif.ring"] == "rx").GroupBy(r => r.Interface))
        {
            // A reconnect (hotplug, resume) starts a fresh ring at index 0 and
            // abandons the buffers posted on the old one.
            int connection = 0;
            foreach (IGrouping<int, TraceRow> rings in ring.GroupBy(r => r["netif.index"] == "0" ? ++connection : connection))
            {
                Assert.That(rings.Count(r => !r.Has("netif.response_in")), Is.LessThanOrEqualTo(256), $"{ring.Key}, connection {rings.Key}: RX requests left unanswered");
            }
        }
    }

    /// <summary>
    /// Between each answered request and its response sits the backend's grant
    /// copy of that request's gref, with its status: TX copies from the
    /// frontend's gref, RX copies into it.
    /// </summary>
    private static void EveryGrantCopyHasItsStatus(List<TraceRow> rows)
    {
        List<TraceRow> copies = [.. rows.Where(r => r["gnttab.op"] == "copy")];
        Assert.That(copies, Is.Not.Empty, "grant copies are traced");
        Assert.That(copies.Where(c => !c.Has("gnttab.status_name")), Is.Empty, "grant copies without a status");
        Dictionary<int, TraceRow> byNumber = rows.ToDictionary(r => r.Number);
        foreach (TraceRow response in rows.Where(r => r["netif.action"] == "response pushed" && short.Parse(r["netif.status"], CultureInfo.InvariantCulture) >= 0))
        {
            TraceRow request = byNumber[response.Int("netif.request_in")];
            string frontend = request.Interface.Split('/')[1]["dom".Length..];
            bool tx = request["netif.ring"] == "tx";
            string domField = tx ? "gnttab.src_dom" : "gnttab.dst_dom";
            string refField = tx ? "gnttab.src_ref" : "gnttab.dst_ref";
            bool copied = copies.Any(c => c.Number > request.Number && c.Number < response.Number && c[domField] == frontend && c[refField] == request["netif.gref"]);
            Assert.That(copied, Is.True, $"{request} -> {response}: no grant copy of gref {request["netif.gref"]} between them");
        }
    }

    /// <summary>xennet's handshake writes its keys in one transaction (NetBSD's xennet_talk_to_backend): it starts, carries tx-ring-ref, and ends OK.</summary>
    private static void TheHandshakeTransactionBeginsAndEnds(List<TraceRow> rows, int domid)
    {
        List<TraceRow> ring = [.. rows.Where(r => r.Interface == $"xenstore/dom{domid}")];
        List<string> started = [.. ring.Where(r => r["xenstore.direction"] == "reply" && r["xenstore.type"] == "TRANSACTION_START").Select(r => r["xenstore.value"])];
        Assert.That(started, Is.Not.Empty, $"dom{domid} starts a transaction");
        bool found = started.Any(tx =>
            ring.Any(r => r["xenstore.direction"] == "request" && r["xenstore.type"] == "WRITE" && r["xenstore.tx_id"] == tx && r["xenstore.path"].EndsWith("/tx-ring-ref", StringComparison.Ordinal))
            && ring.Any(r => r["xenstore.direction"] == "reply" && r["xenstore.type"] == "TRANSACTION_END" && r["xenstore.tx_id"] == tx && r["xenstore.result"] == "OK"));
        Assert.That(found, Is.True, $"dom{domid}: a transaction that writes tx-ring-ref and ends OK");
    }

    [Test]
    public void TheSameSeedGivesTheSameBytesAndTheTraceIsInThem()
    {
        string first = Run("guest-to-guest", new ScenarioOptions(Seed: 7), Path.Combine(_captures, "a"));
        string second = Run("guest-to-guest", new ScenarioOptions(Seed: 7), Path.Combine(_captures, "b"));
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(second), Is.EqualTo(File.ReadAllBytes(first)), "byte-identical all.pcapng");
            Assert.That(Tshark.Capinfos("-T", "-E", first), Has.Some.Contains("per-packet"), "Ethernet and trace link types in one file");
            string[] comments = Tshark.Capinfos("-k", first);
            Assert.That(string.Join('\n', comments), Does.Contain("scenario: guest-to-guest").And.Contain("seed: 7").And.Contain("version: XvifSim"));
        });
    }

    [Test]
    public void WithTraceOffOnlyFramesAreWritten()
    {
        string file = Run("ping", new ScenarioOptions(Seed: 1) { Trace = false });
        string[] interfaces = Tshark.Run("-r", file, "-T", "fields", "-e", "frame.interface_name");
        Assert.That(interfaces.Distinct(), Is.EquivalentTo(new[] { "dom0/bridge0", "dom0/xvif1i0", "guest1/xennet0" }));
    }

    [Test]
    public void AThreadedRunWritesInStrictTimeOrder()
    {
        string file = Run("many-guests", new ScenarioOptions(Threaded: true));
        string[] order = Tshark.Capinfos("-o", file);
        Assert.That(order, Has.Some.Matches(@"Strict time order:\s+True"), string.Join('\n', order));
    }
}
