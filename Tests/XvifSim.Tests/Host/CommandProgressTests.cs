using System.Text.RegularExpressions;
using XvifSim.Cli;
using XvifSim.Host.Scenarios;

namespace XvifSim.Tests.Host;

/// <summary>What the commands say while and after they run (issue 12, item 4), read back redirected as CI sees it.</summary>
[NonParallelizable]
public class CommandProgressTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("xvifsim-progress-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void AllTakesASeedAndEndsWithASummaryTableThatFits100Columns()
    {
        (int exit, string output, string error) = XvifSimCli.Invoke("all", "--seed", "3", "--out", _dir);
        string[] lines = output.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(output, Does.Contain("ping: PASS").And.Contain("deterministic, seed 3"));
            Assert.That(output, Does.Match(@"\nscenario\s+result\s+time\s+frames\n"));
            foreach (IScenario scenario in ScenarioCatalog.All)
            {
                Assert.That(output, Does.Match($@"\n{Regex.Escape(scenario.Name)}\s+PASS\s+\d+\.\d s\s+\d+\n"), scenario.Name);
            }

            Assert.That(Regex.Match(output, @"\nping\s+PASS\s+\d+\.\d s\s+(\d+)\n").Groups[1].Value, Is.Not.EqualTo("0"), "ping's frames are counted");
            Assert.That(lines.Where(l => Regex.IsMatch(l, @"^\S+/\S+\s+\d+\s+\d+")).Select(l => l.Length), Has.All.LessThanOrEqualTo(100), "the interface tables fit 100 columns");
        });
    }

    [Test]
    public void ThreadedWithASeedSaysTheSeedDoesNotApply()
    {
        (int exit, string output, string error) = XvifSimCli.Invoke("run", "ping", "--threaded", "--seed", "5", "--out", _dir);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(error, Does.Contain("xvifsim run: note: --seed does not apply with --threaded"));
            Assert.That(output, Does.Contain("threaded scheduler").And.Contain("ping: PASS"));
        });
        (_, _, string quiet) = XvifSimCli.Invoke("run", "ping", "--threaded", "--out", _dir);
        Assert.That(quiet, Does.Not.Contain("--seed"), "no note when no seed was given");
    }

    [Test]
    public void ReplayReadsTheUsersPcap()
    {
        string input = Path.Combine(_dir, "mine.pcap");
        ReplayInput.Write(input, GuestPair.OneMac, GuestPair.OneAddress, GuestPair.TwoMac, GuestPair.TwoAddress);
        (int exit, string output, string error) = XvifSimCli.Invoke("run", "replay", "--input", input, "--out", _dir);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Contain($"replay: {input} from guest1's xennet0"));
            Assert.That(output, Does.Contain("guest1: replayed 3 of 3 frames"));
            Assert.That(File.Exists(Path.Combine(_dir, "replay", ReplayScenario.InputFileName)), Is.False, "the generated input is not written");
        });
    }

    [Test]
    public void ARunThatIsNotOnATerminalPrintsAStatusLineEveryPeriod()
    {
        TimeSpan period = TerminalProgress.HeartbeatPeriod;
        TerminalProgress.HeartbeatPeriod = TimeSpan.FromMilliseconds(20);
        try
        {
            (int exit, _, string error) = XvifSimCli.Invoke("run", "ping", "--duration", "60", "--out", _dir);
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.Zero, error);
                Assert.That(error, Does.Match(@"xvifsim run ping: \d+\.\d s, step 1 of 1: ping; last: "));
            });
        }
        finally
        {
            TerminalProgress.HeartbeatPeriod = period;
        }
    }

    [Test]
    public void BadMacsDiagnosticIsInDom0sLogOnce()
    {
        (int exit, string output, _) = XvifSimCli.Invoke("run", "bad-mac", "--out", _dir);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            Assert.That(Regex.Matches(output, "xvif2i0: 00:16:3e:zz:00:01 is not a valid mac address"), Has.Count.EqualTo(1), output);
        });
    }

    [TestCase("hotplug")]
    [TestCase("suspend-resume")]
    public void AReattachedInterfaceIsOneLineOfTheTable(string scenario)
    {
        (int exit, string output, _) = XvifSimCli.Invoke("run", scenario, "--out", _dir);
        string table = output[output.IndexOf("--- interfaces", StringComparison.Ordinal)..];
        string[] names = [.. table.Split('\n').Where(l => Regex.IsMatch(l, @"^\S+/\S+\s+\d")).Select(l => l.Split(' ')[0])];
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            Assert.That(names, Is.Unique.And.Contains("dom0/xvif1i0").And.Contains("guest1/xennet0"));
            Assert.That(table, Does.Contain($"(captures in {Path.Combine(_dir, scenario)})"));
        });
    }
}
