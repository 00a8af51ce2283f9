using XvifSim.Tests.Outside;

namespace XvifSim.Tests.Fuzz;

/// <summary>
/// The bounded smoke run of the fuzzing campaign: run-campaign.sh with
/// Debian's afl-fuzz on every target for a few seconds, over this build
/// (instrumented by the sharpfuzz tool of the repository's tool manifest).
/// It must execute inputs and find no crash. afl-fuzz missing is a failure,
/// not a skip: `./run-sim.sh test` installs the afl++ package.
/// </summary>
[NonParallelizable]
public class CampaignSmokeTests
{
    private const int SecondsPerTarget = 15;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Test]
    public void ABoundedCampaignRunsEveryTargetWithNoCrash()
    {
        Assert.That(File.Exists("/usr/bin/afl-fuzz"), "afl-fuzz is missing: install the Debian package afl++ (./run-sim.sh test installs it)");

        string work = Path.Combine(Path.GetTempPath(), $"xvifsim-fuzz-smoke-{Guid.NewGuid():N}");
        try
        {
            using ExternalProcess campaign = ExternalProcess.Start("/bin/bash", [
                Path.Combine(FuzzPaths.FuzzProject, "run-campaign.sh"),
                "--seconds", $"{SecondsPerTarget}", "--configuration", FuzzPaths.Configuration, "--no-build", "--out", work]);
            ProcessResult result = campaign.WaitForExit(Limit);
            Assert.That(result.ExitCode, Is.Zero, $"{result.Output}\n{result.Error}");

            // target, execs, execs/s, corpus, crashes, hangs: one line per target under the header.
            string[][] rows = [.. result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
            Assert.That(rows.Select(r => r[0]), Is.EquivalentTo(XvifSim.Fuzz.FuzzTargets.Names), result.Output);
            Assert.Multiple(() =>
            {
                foreach (string[] row in rows)
                {
                    Assert.That(long.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0), $"{row[0]}: execs_done");
                    Assert.That(row[4], Is.EqualTo("0"), $"{row[0]}: crashes");
                }
            });
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
