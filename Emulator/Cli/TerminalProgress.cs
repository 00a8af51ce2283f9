using Spectre.Console;

namespace XvifSim.Cli;

/// <summary>
/// The progress display of a long run, one line per step, drawn with
/// Spectre.Console only on an interactive terminal. When output is redirected
/// (a pipe, a log file, the tests) there is no display at all and each step's
/// narration goes straight to stdout, so what is read back is plain text.
/// Under the display a step's narration is held and printed above it when the
/// step ends, because text written to the console while the live display
/// redraws itself would tear both.
/// </summary>
internal sealed class TerminalProgress
{
    private readonly Dictionary<string, ProgressTask> _tasks;
    private ProgressTask? _current;
    private StringWriter? _held;

    private TerminalProgress(Dictionary<string, ProgressTask> tasks) => _tasks = tasks;

    /// <summary>Whether a display is drawn: stdout is a terminal that Spectre can redraw in place.</summary>
    public static bool Shown => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with one line for each of <paramref name="steps"/> on a terminal, none otherwise.</summary>
    public static T Run<T>(IReadOnlyList<string> steps, Func<TerminalProgress, T> work)
    {
        if (!Shown)
        {
            return work(new TerminalProgress([]));
        }

        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .Start(context => work(new TerminalProgress(steps.ToDictionary(
                step => step,
                step => context.AddTask(Markup.Escape(step), autoStart: false, maxValue: 1)))));
    }

    /// <summary>Starts <paramref name="step"/>; its narration goes to the writer returned.</summary>
    public TextWriter Begin(string step)
    {
        if (!_tasks.TryGetValue(step, out ProgressTask? task))
        {
            return Console.Out;
        }

        _current = task;
        _current.StartTask();
        _held = new StringWriter();

        // The threaded scheduler's vCPUs narrate from their own threads.
        return TextWriter.Synchronized(_held);
    }

    /// <summary>Ends the step begun last: prints what it said and marks its line done.</summary>
    public void End()
    {
        if (_current is null || _held is null)
        {
            return;
        }

        AnsiConsole.Write(new Text(_held.ToString()));
        _current.Value = _current.MaxValue;
        _current.StopTask();
        _current = null;
        _held = null;
    }
}
