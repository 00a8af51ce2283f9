using System.Diagnostics;
using Spectre.Console;

namespace XvifSim.Cli;

/// <summary>
/// The progress of one command. On an interactive terminal it is one live
/// Spectre.Console line (spinner, the command and its current step, a bar of
/// steps done, "done/steps", elapsed seconds with tenths), and the command's
/// narration goes through the display: each finished line is written with
/// Spectre, whose progress renderer clears the live line, prints the text
/// above it and redraws it, so nothing is ever drawn over text. When output
/// is redirected (a pipe, a CI log, the tests) there is no display: the
/// narration is plain lines on stdout, and a status line goes to stderr
/// every <see cref="HeartbeatPeriod"/> so a long run is seen to be alive.
/// </summary>
internal sealed class TerminalProgress
{
    private readonly string _title;
    private readonly ProgressTask? _task;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly NarrationWriter _output;
    private string? _step;

    private TerminalProgress(string title, int steps, ProgressTask? task)
    {
        _title = title;
        _task = task;
        Steps = steps;
        _output = new NarrationWriter(task is null ? Console.Out : null);
    }

    /// <summary>How often the status line is printed when there is no display.</summary>
    public static TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a display is drawn: stdout is a terminal that Spectre can redraw in place.</summary>
    public static bool Shown => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Where the command narrates; safe to write from several threads (the threaded scheduler's vCPUs do).</summary>
    public TextWriter Output => _output;

    public int Steps { get; }

    public int Done { get; private set; }

    /// <summary>Wall-clock time since the command started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Runs <paramref name="work"/> under the display for <paramref name="title"/> of <paramref name="steps"/> steps, or with status lines when redirected.</summary>
    public static T Run<T>(string title, int steps, Func<TerminalProgress, T> work)
    {
        if (!Shown)
        {
            var plain = new TerminalProgress(title, steps, null);
            using var heartbeat = new Timer(_ => plain.Beat(), null, HeartbeatPeriod, HeartbeatPeriod);
            try
            {
                return work(plain);
            }
            finally
            {
                plain._output.Flush();
            }
        }

        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 16 }, new StepsColumn(), new TenthsElapsedColumn())
            .Start(context =>
            {
                var shown = new TerminalProgress(title, steps, context.AddTask(Markup.Escape(title), maxValue: Math.Max(1, steps)));
                try
                {
                    return work(shown);
                }
                finally
                {
                    shown._output.Flush();
                    shown._task!.StopTask();
                }
            });
    }

    /// <summary>Starts <paramref name="step"/>, the previous one being done.</summary>
    public void Begin(string step)
    {
        if (_step is not null)
        {
            End();
        }

        _step = step;
        if (_task is not null)
        {
            _task.Description = Markup.Escape($"{_title}: {step}");
        }
    }

    /// <summary>Marks the step begun last as done.</summary>
    public void End()
    {
        if (_step is null)
        {
            return;
        }

        _output.Flush();
        _step = null;
        Done++;
        if (_task is not null)
        {
            _task.Value = Done;
            _task.Description = Markup.Escape(Done == Steps ? _title : $"{_title}: {Done} of {Steps} done");
        }
    }

    /// <summary>The status line when there is no display: what runs, how far, how long, and the last thing said.</summary>
    private void Beat()
    {
        string step = _step is null ? "" : $", step {Math.Min(Done + 1, Steps)} of {Steps}: {_step}";
        string last = _output.LastLine is { Length: > 0 } line ? $"; last: {(line.Length > 100 ? line[..100] + "..." : line)}" : "";
        Console.Error.WriteLine($"xvifsim {_title}: {Elapsed.TotalSeconds:0.0} s{step}{last}");
    }
}
