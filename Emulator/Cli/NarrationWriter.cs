using System.Text;
using Spectre.Console;

namespace XvifSim.Cli;

/// <summary>
/// A command's narration, taken a line at a time: to a plain writer when
/// output is redirected, else through Spectre.Console so the live display
/// clears itself, prints the line above and redraws (text written around it
/// would tear both). Thread-safe: the threaded scheduler's vCPUs narrate from
/// their own threads, and a line is only printed whole.
/// </summary>
internal sealed class NarrationWriter(TextWriter? plain) : TextWriter
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>The last whole line written, for a status line.</summary>
    public string? LastLine { get; private set; }

    public override void Write(char value)
    {
        lock (_lock)
        {
            if (value == '\n')
            {
                Emit();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        lock (_lock)
        {
            foreach (char c in value)
            {
                Write(c);
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            Write(value);
            Emit();
        }
    }

    /// <summary>Prints a line left unfinished, so nothing said is lost at a step's end.</summary>
    public override void Flush()
    {
        lock (_lock)
        {
            if (_line.Length > 0)
            {
                Emit();
            }

            plain?.Flush();
        }
    }

    private void Emit()
    {
        string line = _line.ToString();
        _line.Clear();
        LastLine = line;
        if (plain is not null)
        {
            plain.WriteLine(line);
        }
        else
        {
            // One call per terminal row: Spectre clears the live line and
            // prints above it one row at a time, and the row a long line
            // wrapped onto was left holding the bar's tail. A row one short of
            // the width also keeps the terminal from wrapping on its own.
            int width = Math.Max(20, AnsiConsole.Profile.Width - 1);
            for (int start = 0; start == 0 || start < line.Length; start += width)
            {
                AnsiConsole.Write(new Text(line.Substring(start, Math.Min(width, line.Length - start)) + "\n"));
            }
        }
    }
}
