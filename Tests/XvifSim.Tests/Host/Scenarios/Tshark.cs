using System.Diagnostics;

namespace XvifSim.Tests.Host.Scenarios;

/// <summary>Debian's tshark, run on a capture; ignored (naming the package) where it is not installed.</summary>
internal static class Tshark
{
    public const string Path = "/usr/bin/tshark";

    /// <summary>Runs tshark with <paramref name="args"/>; fails the test on a non-zero exit, returns stdout lines.</summary>
    public static string[] Run(params string[] args) => Tool(Path, args);

    /// <summary>Runs capinfos (from the same Debian install as tshark), which reads many capture files in one run.</summary>
    public static string[] Capinfos(params string[] args) => Tool("/usr/bin/capinfos", args);

    private static string[] Tool(string tool, string[] args)
    {
        if (!File.Exists(tool))
        {
            Assert.Ignore($"{tool} is not installed (Debian package tshark; ./run-sim.sh test installs it)");
        }

        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            Assert.Fail($"{tool} {string.Join(' ', args)} did not finish in 60 s");
        }

        Assert.That(process.ExitCode, Is.Zero, $"{tool} {string.Join(' ', args)}: {error.Result}");
        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
