using System.Text.Json;
using XvifSim.Benchmarks;

namespace XvifSim.Tests.Bench;

/// <summary>
/// The bench program end to end with windows of milliseconds: every figure
/// is measured, guest to guest delivers frames with capture off and on, the
/// table names each target, and bench-results.json holds a number for every
/// key the issue names. Timing targets are never checked here: the figures
/// depend on the machine and its load.
/// </summary>
[NonParallelizable]
public class BenchRunTests
{
    private static readonly BenchOptions Tiny = new("test", "", TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), Rounds: 2, FleetGuests: 20);

    [Test]
    public void AShortRunMeasuresEveryFigureAndWritesEveryKey()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("xvifsim-bench-test-").FullName, "bench-results.json");
        BenchOptions options = Tiny with { OutPath = path };
        BenchResults results = BenchRun.Measure(options, TextWriter.Null);
        var table = new StringWriter();
        BenchTable.Write(results, options, table);
        BenchJson.Write(results, path);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);

        Assert.Multiple(() =>
        {
            foreach (FlowResult flow in new[] { results.Small, results.Large, results.SmallCaptured, results.LargeCaptured, results.SmallTraced })
            {
                Assert.That(flow.Frames, Is.Positive, $"{flow.FrameLength} B frames, capture {flow.Capture}: frames delivered");
            }

            Assert.That(results.Small.FrameLength, Is.EqualTo(64));
            Assert.That(results.Large.FrameLength, Is.EqualTo(1514));
            Assert.That(results.ConnectSeconds, Is.Positive);
            Assert.That(results.XsRing.OpsPerSecond, Is.Positive);
            Assert.That(table.ToString(), Does.Contain("g2g 64 B frames/s / Channels 64 B msgs/s").And.Contain("g2g 1514 B bytes/s / Channels 1514 B bytes/s").And.Contain("capture on / off, 64 B frames/s"));
            Assert.That(results.Fleet.Guests, Is.EqualTo(20));
            Assert.That(results.Fleet.ConnectSeconds, Is.Positive);
            Assert.That(results.Fleet.PingsSeconds, Is.Positive);
            Assert.That(results.Fleet.PeakWorkingSetBytes, Is.Positive);
            Assert.That(results.Fleet.AnsweredFirstSecond + results.Fleet.BehindRxFlood + results.Fleet.OtherwiseLate, Is.EqualTo(20), "every guest's first echo accounted for");
            Assert.That(results.Fleet.EchoesLost, Is.Zero);
            Assert.That(table.ToString(), Does.Contain("20 guests (--quick; the full bench uses 1,000) on one bridge")
                .And.Contain("20 guests to Connected on both ends, s")
                .And.Contain("XenStore core B allocated per READ").And.Contain("XenStore core B allocated per WRITE")
                .And.Contain("first echoes: "));
            foreach (string key in new[] { "fleet_guests", "fleet_connect_s", "fleet_pings_answered_s", "fleet_peak_working_set_bytes", "fleet_answered_first_second", "fleet_echoes_lost", "fleet_rx_queue_drops", "xs_core_read_alloc_bytes", "xs_core_write_alloc_bytes" })
            {
                Assert.That(json.RootElement.TryGetProperty(key, out JsonElement value) && value.ValueKind == JsonValueKind.Number, Is.True, key);
            }

            foreach (string key in BenchJson.RequiredKeys)
            {
                Assert.That(json.RootElement.TryGetProperty(key, out JsonElement value) && value.ValueKind == JsonValueKind.Number, Is.True, key);
            }
        });
    }

    [Test]
    public void ArgumentsPickTheModeAndTheResultsPath()
    {
        BenchOptions? quick = BenchOptions.Parse(["--quick", "--out", "/tmp/r.json"], out _);
        BenchOptions? full = BenchOptions.Parse([], out _);
        BenchOptions? bad = BenchOptions.Parse(["--fast"], out string? error);
        BenchOptions? fleet = BenchOptions.Parse(["--fleet"], out _);
        BenchOptions? both = BenchOptions.Parse(["--fleet", "--quick"], out string? bothError);
        Assert.Multiple(() =>
        {
            Assert.That(quick, Is.EqualTo(BenchOptions.Quick("/tmp/r.json")));
            Assert.That(full!.OutPath, Is.EqualTo(Path.GetFullPath(BenchOptions.DefaultOut)));
            Assert.That(full.Mode, Is.EqualTo("full"));
            Assert.That(bad, Is.Null);
            Assert.That(error, Does.Contain("--fast"));
            Assert.That(quick!.FleetGuests, Is.EqualTo(300), "--quick brings up fewer guests and says so");
            Assert.That(full.FleetGuests, Is.EqualTo(1000));
            Assert.That(fleet!.FleetOnly && fleet.FleetGuests == 1000 && fleet.Mode == "fleet", Is.True);
            Assert.That(both, Is.Null);
            Assert.That(bothError, Does.Contain("cannot be --quick"));
        });
    }
}
