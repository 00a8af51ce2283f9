using System.Diagnostics;
using System.Text.RegularExpressions;

namespace XvifSim.Tests.Host;

/// <summary>
/// Every bad input a new user tried (issue 12), through the program's own
/// entry point: one line <c>xvifsim &lt;command&gt;: what is wrong</c>, the
/// command's usage line naming ./run-sim.sh, exit 2, no stack trace, and
/// nothing run.
/// </summary>
[NonParallelizable]
public partial class BadInputTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("xvifsim-bad-").FullName;

    [TearDown]
    public void DeleteDirectory()
    {
        Chattr("-i", _dir);
        Directory.Delete(_dir, recursive: true);
    }

    private string Cfg(string text)
    {
        string path = Path.Combine(_dir, "g.cfg");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A stack frame as .NET prints one: "   at Namespace.Type.Method(".</summary>
    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    private static void AssertBadInput(string command, (int Exit, string Out, string Err) run, string expected)
    {
        string[] lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(run.Exit, Is.EqualTo(2), run.Err);
            Assert.That(StackFrame().IsMatch(run.Out + run.Err), Is.False, run.Err);
            Assert.That(run.Err, Does.Not.Contain("Unhandled exception"));
            Assert.That(lines[^2], Does.StartWith($"{command}: ").And.Contain(expected));
            Assert.That(lines[^1], Does.StartWith($"usage: ./run-sim.sh {command["xvifsim ".Length..]}"));
            Assert.That(run.Out, Does.Not.Contain("PASS").And.Not.Contain("--- interfaces"), "nothing ran");
        });
    }

    [TestCase("--seed", "abc", "Cannot parse argument 'abc' for option '--seed'")]
    [TestCase("--duration", "0", "--duration must be a number of seconds above 0")]
    [TestCase("--bogus", null, "Unrecognized command or argument '--bogus'")]
    [TestCase("extra", null, "Unrecognized command or argument 'extra'")]
    [TestCase("--duration", "5", "scenario 'udp-stream' runs a fixed exchange and does not take it (only ping does)")]
    [TestCase("--input", "/etc/passwd", "--input: only the replay scenario reads a pcap, not 'udp-stream'")]
    public void RunWithBadInput(string option, string? value, string expected)
    {
        string scenario = option == "extra" ? "ping" : value is "5" || option == "--input" ? "udp-stream" : "ping";
        string[] args = value is null ? ["run", scenario, option] : ["run", scenario, option, value];
        AssertBadInput("xvifsim run", XvifSimCli.Invoke([.. args, "--out", _dir]), expected);
    }

    [Test]
    public void RunOfAnUnknownScenarioNamesTheLauncher() =>
        AssertBadInput("xvifsim run", XvifSimCli.Invoke("run", "pong"), "no scenario named 'pong'; ./run-sim.sh list shows them");

    [Test]
    public void ReplayOfAFileThatIsNoPcap() =>
        AssertBadInput("xvifsim run", XvifSimCli.Invoke("run", "replay", "--input", Cfg("name = 'a'\n"), "--out", _dir), "not a pcap file SharpPcap can read");

    [Test]
    public void ReplayOfAMissingFile() =>
        AssertBadInput("xvifsim run", XvifSimCli.Invoke("run", "replay", "--input", Path.Combine(_dir, "none.pcap"), "--out", _dir), "no such file");

    [Test]
    public void UpWithAnUnknownTrafficKind() =>
        AssertBadInput("xvifsim up", XvifSimCli.Invoke("up", Cfg("name = 'a'\n"), "--traffic", "bogus"), "Argument 'bogus' not recognized. Must be one of: 'ping' 'udp' 'none'");

    [Test]
    public void UpWithNoFile() =>
        AssertBadInput("xvifsim up", XvifSimCli.Invoke("up"), "Required argument 'guest.cfg' missing");

    [Test]
    public void UpDoesNotTakeAnOptionItLacksAsAFile()
    {
        (int Exit, string Out, string Err) run = XvifSimCli.Invoke("up", Cfg("name = 'a'\n"), "--duration", "5", "--out", _dir);
        AssertBadInput("xvifsim up", run, "unknown option '--duration'");
        Assert.That(run.Err, Does.Not.Contain("cannot read the file"), "--duration and 5 were not read as configs");
    }

    [Test]
    public void UpWithABrokenConfig() =>
        AssertBadInput("xvifsim up", XvifSimCli.Invoke("up", Cfg("name = 'Domain-0'\n"), "--out", _dir), "1 error in the guest configurations; nothing was started");

    [TestCase("run", "ping")]
    [TestCase("all")]
    [TestCase("up")]
    public void AnOutUnderARegularFile(params string[] command)
    {
        string[] args = command[0] == "up" ? ["up", Cfg("name = 'a'\n")] : command;
        AssertBadInput($"xvifsim {command[0]}", XvifSimCli.Invoke([.. args, "--out", "/etc/passwd/x"]), "--out '/etc/passwd/x': cannot use the capture folder");
    }

    /// <summary>Root writes anywhere, so an unwritable folder is an immutable one (chattr +i), where the filesystem allows it.</summary>
    [TestCase("run", "ping")]
    [TestCase("all")]
    public void AnOutFolderNobodyMayWriteIn(params string[] command)
    {
        string folder = Path.Combine(_dir, "locked");
        Directory.CreateDirectory(folder);
        if (!Chattr("+i", folder))
        {
            Assert.Ignore("chattr +i is not available here, so no folder is unwritable for root");
        }

        try
        {
            AssertBadInput($"xvifsim {command[0]}", XvifSimCli.Invoke([.. command, "--out", folder]), $"--out '{folder}': cannot use the capture folder");
        }
        finally
        {
            Chattr("-i", folder);
        }
    }

    [Test]
    public void XenstoredWithASocketPathTooLongForSunPath()
    {
        string path = Path.Combine(_dir, new string('s', 120));
        AssertBadInput("xvifsim xenstored", XvifSimCli.Invoke("xenstored", "--socket", path), "a Unix socket path is 1 to 107 bytes (sun_path)");
    }

    [Test]
    public void XenstoredWithASocketInAMissingFolder()
    {
        string path = Path.Combine(_dir, "missing", "xs.sock");
        AssertBadInput("xvifsim xenstored", XvifSimCli.Invoke("xenstored", "--socket", path), $"the folder {Path.Combine(_dir, "missing")} does not exist");
    }

    [Test]
    public void SoakOutOfRange() =>
        AssertBadInput("xvifsim soak", XvifSimCli.Invoke("soak", "--guests", "0"), "--guests must be 1 to 1000");

    [Test]
    public void NoCommandAtAll()
    {
        (int exit, _, string error) = XvifSimCli.Invoke();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error, Does.StartWith("xvifsim: ").And.Contain("usage: ./run-sim.sh <command> [options]"));
        });
    }

    [Test]
    public void HelpNamesTheLauncher()
    {
        (int exit, string output, _) = XvifSimCli.Invoke("run", "--help");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            Assert.That(output, Does.Contain("Usage:\n  ./run-sim.sh run [scenario] [--seed N] [--threaded] [--out DIR] [--duration S] [--input FILE]"));
            Assert.That(output, Does.Not.Contain("xvifsim run").And.Not.Contain("testhost"));
        });
    }

    /// <summary>The bad inputs of issue 12, each as a user types it (after ./run-sim.sh), for the program run as its own process.</summary>
    private static IEnumerable<string[]> IssueInputs()
    {
        yield return ["run", "ping", "--seed", "abc"];
        yield return ["run", "ping", "--duration", "0"];
        yield return ["run", "ping", "--bogus"];
        yield return ["run", "ping", "extra"];
        yield return ["run", "udp-stream", "--duration", "5"];
        yield return ["run", "ping", "--out", "/etc/passwd/captures"];
        yield return ["all", "--out", "/etc/passwd/captures"];
        yield return ["all", "--seed", "x"];
        yield return ["run", "replay", "--input", "/etc/passwd"];
        yield return ["up"];
        yield return ["up", "/etc/hostname", "--traffic", "bogus"];
        yield return ["up", "/nonexistent/g.cfg", "--duration", "5"];
        yield return ["up", "/nonexistent/g.cfg"];
        yield return ["xenstored", "--socket", "/tmp/" + new string('x', 120)];
        yield return ["xenstored", "--socket", "/nonexistent/folder/xs.sock"];
        yield return ["soak", "--seconds", "0"];
    }

    /// <summary>The same discipline from the real program, Program.cs and all, as its own process: exit 2, no stack frame, no unhandled exception.</summary>
    [TestCaseSource(nameof(IssueInputs))]
    public void TheProgramItselfAnswersBadInputWithExit2AndNoStackTrace(string[] args)
    {
        string dll = Path.Combine(TestContext.CurrentContext.TestDirectory, "xvifsim.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        XvifSim.Tests.Outside.ProcessResult result = XvifSim.Tests.Outside.ExternalProcess.Run(dotnet, [dll, .. args]);
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(StackFrame().IsMatch(result.Output + result.Error), Is.False, result.ToString());
            Assert.That(result.Error, Does.Not.Contain("Unhandled exception"));
            Assert.That(lines[^2], Does.StartWith($"xvifsim {args[0]}: "));
            Assert.That(lines[^1], Does.StartWith($"usage: ./run-sim.sh {args[0]}"));
        });
    }

    /// <summary>Runs chattr (e2fsprogs) on <paramref name="path"/>; false where it is missing or the filesystem refuses.</summary>
    private static bool Chattr(string flag, string path)
    {
        try
        {
            using Process? chattr = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true, RedirectStandardOutput = true });
            chattr!.WaitForExit();
            return chattr.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
