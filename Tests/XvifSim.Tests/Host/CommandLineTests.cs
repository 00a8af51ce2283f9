namespace XvifSim.Tests.Host;

/// <summary>The xvifsim command line as a user types it.</summary>
[NonParallelizable]
public class CommandLineTests
{
    [Test]
    public void ListShowsEachScenarioWithItsPurposeAndTheDefault()
    {
        (int exit, string output, _) = XvifSimCli.Invoke("list");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            Assert.That(output, Does.Match(@"ping\s+one guest: xennet0 connects to xvif1i0 on bridge0; guest and dom0 ping each other \(default\)"));
            Assert.That(output, Does.Match(@"core-demo\s+dom0 and a guest share a page by grant"));
        });
    }

    [Test]
    public void AnUnknownScenarioIsAClearErrorWithExitCode2()
    {
        (int exit, _, string error) = XvifSimCli.Invoke("run", "no-such-thing");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.Contain("no scenario named 'no-such-thing'"));
        });
    }

    [Test]
    public void RunWithoutANameRunsTheDefaultScenarioAndPasses()
    {
        string captures = Directory.CreateTempSubdirectory("xvifsim-cli-").FullName;
        (int exit, string output, _) = XvifSimCli.Invoke("run", "--seed", "5", "--out", captures);
        Directory.Delete(captures, recursive: true);
        Assert.Multiple(() =>
        {
            Assert.That(output, Does.Contain("ping: PASS"));
            Assert.That(exit, Is.Zero);
        });
    }

    [Test]
    public void RunPingWithADurationSendsOneEchoASecondEachWay()
    {
        string captures = Directory.CreateTempSubdirectory("xvifsim-cli-").FullName;
        (int exit, string output, _) = XvifSimCli.Invoke("run", "ping", "--duration", "5", "--out", captures);
        Directory.Delete(captures, recursive: true);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            Assert.That(output, Does.Contain("guest1: --- 10.0.0.1 ping statistics --- 5 packets transmitted, 5 packets received"));
            Assert.That(output, Does.Contain("dom0: --- 10.0.0.2 ping statistics --- 5 packets transmitted, 5 packets received"));
            Assert.That(output, Does.Contain("icmp_seq=4 ").And.Not.Contain("icmp_seq=5 "));
        });
    }

    [TestCase("0")]
    [TestCase("-3")]
    [TestCase("soon")]
    [TestCase("NaN")]
    [TestCase("1e9")]
    public void ADurationOutOfRangeIsAParseErrorNamingTheOption(string duration)
    {
        (int exit, string output, string error) = XvifSimCli.Invoke("run", "ping", "--duration", duration);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.Contain($"--duration must be a number of seconds above 0 and at most 86400, not '{duration}'"));
            Assert.That(output, Does.Not.Contain("ping: PASS"), "nothing ran");
        });
    }

    [TestCase("--seed", "abc")]
    [TestCase("--seed", "99999999999")]
    public void AnUnparsableSeedIsSystemCommandLinesErrorAndExit2(string option, string value)
    {
        (int exit, string output, string error) = XvifSimCli.Invoke("run", "ping", option, value);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.Contain($"Cannot parse argument '{value}' for option '{option}'"));
            Assert.That(output, Does.Not.Contain("ping: PASS"), "nothing ran");
        });
    }

    [Test]
    public void AllRedirectedPrintsPlainTextAndPasses()
    {
        string captures = Directory.CreateTempSubdirectory("xvifsim-cli-").FullName;
        (int exit, string output, string error) = XvifSimCli.Invoke("all", "--out", captures);
        Directory.Delete(captures, recursive: true);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(output, Does.Contain($"all {XvifSim.Host.Scenarios.ScenarioCatalog.All.Count} scenarios passed"));
            Assert.That(output, Does.Contain("=== ping").And.Contain("ping: PASS"));
            Assert.That(output + error, Does.Not.Contain("\u001b"), "no ANSI escapes: no progress display when redirected");
        });
    }

    [TestCase("run", "ping")]
    [TestCase("all")]
    public void AnOutDirectoryThatCannotBeMadeIsAClearErrorBeforeAnythingRuns(params string[] command)
    {
        string file = Path.GetTempFileName();
        string under = Path.Combine(file, "captures");
        (int exit, string output, string error) = XvifSimCli.Invoke([.. command, "--out", under]);
        File.Delete(file);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.Contain($"xvifsim {command[0]}: --out '{under}': cannot use the capture folder"));
            Assert.That(output, Is.Empty, "nothing ran");
        });
    }
}
