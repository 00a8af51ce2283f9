namespace XvifSim.Tests.Host;

/// <summary>--pcpus: the threaded scheduler's worker threads, on every command that runs guests.</summary>
public partial class BadInputTests
{
    [TestCase("run", "0")]
    [TestCase("run", "257")]
    [TestCase("all", "two")]
    [TestCase("soak", "-1")]
    public void PcpusOutOfRange(string command, string value)
    {
        string[] args = command switch
        {
            "run" => ["run", "ping", "--threaded", "--pcpus", value, "--out", _dir],
            "all" => ["all", "--threaded", "--pcpus", value, "--out", _dir],
            _ => ["soak", "--pcpus", value],
        };
        AssertBadInput($"xvifsim {command}", XvifSimCli.Invoke(args), $"--pcpus must be a whole number from 1 to 256, not '{value}'");
    }

    [Test]
    public void PcpusGivenSizeTheThreadedSchedulerAndAreANoteWithoutIt()
    {
        (int exit, string output, string error) = XvifSimCli.Invoke("run", "ping", "--threaded", "--pcpus", "1", "--out", _dir);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(output, Does.Contain("threaded scheduler").And.Contain("ping: PASS"));
            Assert.That(error, Does.Not.Contain("--pcpus"));
        });

        (exit, output, error) = XvifSimCli.Invoke("run", "ping", "--pcpus", "2", "--out", _dir);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(output, Does.Contain("deterministic, seed 1").And.Contain("ping: PASS"));
            Assert.That(error, Does.Contain("xvifsim run: note: --pcpus applies only to the threaded scheduler"));
        });
    }

    [Test]
    public void SoakReportsItsPcpus()
    {
        (int exit, string output, string error) = XvifSimCli.Invoke("soak", "--guests", "4", "--seconds", "1", "--pcpus", "1");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Contain("soak: 4 guests, 1 s, threaded scheduler on 1 pCPU"));
        });
    }
}
