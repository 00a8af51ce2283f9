using XvifSim.Host.Cli;

namespace XvifSim.Tests.Host;

/// <summary>The xvifsim command line as a user types it.</summary>
[NonParallelizable]
public class CommandLineTests
{
    private static (int Exit, string Out, string Err) Invoke(params string[] args)
    {
        TextWriter oldOut = Console.Out, oldErr = Console.Error;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int exit = XvifSimCommand.Create().Parse(args).Invoke();
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Test]
    public void ListShowsEachScenarioWithItsPurposeAndTheDefault()
    {
        (int exit, string output, _) = Invoke("list");
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
        (int exit, _, string error) = Invoke("run", "no-such-thing");
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
        (int exit, string output, _) = Invoke("run", "--seed", "5", "--out", captures);
        Directory.Delete(captures, recursive: true);
        Assert.Multiple(() =>
        {
            Assert.That(output, Does.Contain("ping: PASS"));
            Assert.That(exit, Is.Zero);
        });
    }
}
