namespace XvifSim.Tests.Outside;

/// <summary>
/// The `xvifsim xenstored` program as a user runs it: a child process on a
/// socket that xenstore-utils reads, stopped by SIGTERM.
/// </summary>
public class XenstoredProgramTests
{
    private static readonly TimeSpan StartupLimit = TimeSpan.FromSeconds(30);

    /// <summary>The Host project's build output is copied next to the tests.</summary>
    private static string ProgramDll => Path.Combine(TestContext.CurrentContext.TestDirectory, "xvifsim.dll");

    /// <summary>The dotnet that runs the tests, which `dotnet test` names in DOTNET_HOST_PATH.</summary>
    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    [Test]
    public void ServesTheGuestsToXenstoreLsAndStopsCleanlyOnSigterm()
    {
        if (!File.Exists("/usr/bin/xenstore-ls"))
        {
            Assert.Ignore("/usr/bin/xenstore-ls is not installed: apt-get install xenstore-utils (./run-sim.sh test installs it)");
        }

        string socket = Path.Combine(Path.GetTempPath(), $"xvifsim-{Guid.NewGuid():N}.sock");
        using ExternalProcess xenstored = ExternalProcess.Start(Dotnet, [ProgramDll, "xenstored", "--socket", socket, "--guests", "2"]);
        xenstored.WaitForOutput("listening on", StartupLimit);

        ProcessResult ls = ExternalProcess.Run("/usr/bin/xenstore-ls", ["/"], new Dictionary<string, string> { ["XENSTORED_PATH"] = socket });
        ProcessResult term = ExternalProcess.Run("/bin/kill", ["-TERM", xenstored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        ProcessResult stopped = xenstored.WaitForExit(ExternalProcess.DefaultTimeout);

        Assert.Multiple(() =>
        {
            Assert.That(ls.ExitCode, Is.Zero, ls.ToString());
            // libxl__domain_make's order: vm, then name.
            Assert.That(ls.Output, Does.Contain("  1 = \"\"\n   vm = \"/vm/00000000-0000-4000-8000-000000000001\"\n   name = \"guest1\"\n"), ls.ToString());
            Assert.That(ls.Output, Does.Contain("  2 = \"\"\n   vm = \"/vm/00000000-0000-4000-8000-000000000002\"\n   name = \"guest2\"\n"), ls.ToString());
            Assert.That(term.ExitCode, Is.Zero, term.ToString());
            Assert.That(stopped.ExitCode, Is.Zero, stopped.ToString());
            Assert.That(stopped.Output, Does.EndWith("xenstored: stopped\n"), stopped.ToString());
            Assert.That(File.Exists(socket), Is.False, "the socket file is removed");
        });
    }

    [Test]
    public void ANegativeGuestCountIsAClearErrorWithExitCode2()
    {
        ProcessResult result = Xenstored("--socket", Path.Combine(Path.GetTempPath(), $"xvifsim-{Guid.NewGuid():N}.sock"), "--guests", "-1");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Error, Does.Contain("--guests must be between 0 and 1000, not -1"));
    }

    [Test]
    public void ASocketInAMissingDirectoryIsBadInputExitCode2()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"xvifsim-missing-{Guid.NewGuid():N}");

        ProcessResult result = Xenstored("--socket", Path.Combine(missing, "xs.sock"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Error, Does.Contain($"xvifsim xenstored: --socket '{missing}/xs.sock': the folder {missing} does not exist"));
        Assert.That(result.Error, Does.Contain("usage: ./run-sim.sh xenstored --socket PATH [--guests N]").And.Not.Contain("   at "));
    }

    private static ProcessResult Xenstored(params string[] args)
    {
        using ExternalProcess process = ExternalProcess.Start(Dotnet, [ProgramDll, "xenstored", .. args]);
        return process.WaitForExit(StartupLimit);
    }
}
