using System.Diagnostics;
using System.Text;

namespace XvifSim.Tests.Outside;

/// <summary>
/// An outside program run by a test, with its output collected line by line
/// and a time limit on every wait: a program that hangs is killed and the
/// test fails with what it printed, so no test can hang.
/// </summary>
internal sealed class ExternalProcess : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly string _commandLine;

    private ExternalProcess(string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _commandLine = string.Join(' ', [file, .. args]);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the program printed on stdout so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ExternalProcess Start(string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        new(file, args, environment);

    /// <summary>Runs a program to its end, within <see cref="DefaultTimeout"/>.</summary>
    public static ProcessResult Run(string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using ExternalProcess process = Start(file, args, environment);
        return process.WaitForExit(DefaultTimeout);
    }

    /// <summary>Fails the test (after killing the program) if it does not end in time.</summary>
    public ProcessResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            Assert.Fail($"{_commandLine} did not end within {timeout.TotalSeconds} s\n{Result(-1)}");
        }

        // The parameterless wait also drains the redirected output to its end.
        _process.WaitForExit();
        return Result(_process.ExitCode);
    }

    /// <summary>Waits until a line of stdout contains <paramref name="text"/>; fails the test (after killing the program) if none does in time.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > timeout || _process.HasExited)
            {
                Kill();
                Assert.Fail($"{_commandLine} did not print \"{text}\" within {timeout.TotalSeconds} s\n{Result(-1)}");
            }

            Thread.Sleep(20);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.Append(line).Append('\n');
        }
    }

    private void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(DefaultTimeout);
        }
    }

    private ProcessResult Result(int exitCode)
    {
        lock (_error)
        {
            return new ProcessResult(exitCode, Output, _error.ToString());
        }
    }
}
