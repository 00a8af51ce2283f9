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
    private static readonly BenchOptions Tiny = new("test", "", TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), Rounds: 2);

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
            Assert.That(table.ToString(), Does.Contain("g2g 64 B frames/s, capture off").And.Contain("capture on / off, 64 B frames/s"));
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
        Assert.Multiple(() =>
        {
            Assert.That(quick, Is.EqualTo(BenchOptions.Quick("/tmp/r.json")));
            Assert.That(full!.OutPath, Is.EqualTo(Path.GetFullPath(BenchOptions.DefaultOut)));
            Assert.That(full.Mode, Is.EqualTo("full"));
            Assert.That(bad, Is.Null);
            Assert.That(error, Does.Contain("--fast"));
        });
    }
}
