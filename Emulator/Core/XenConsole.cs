using XvifSim.Emulator.Domains;

namespace XvifSim.Emulator;

/// <summary>The console ring every domain writes its kernel log to (CONSOLEIO_write), kept in order.</summary>
public sealed class XenConsole(Scheduling.IScheduler scheduler)
{
    private readonly List<ConsoleLine> _lines = [];
    private readonly Lock _lock = new();

    /// <summary>Raised after a line is recorded (outside the lock).</summary>
    public event Action<ConsoleLine>? LineWritten;

    /// <summary>Records one line of <paramref name="domain"/>'s kernel log, stamped with the scheduler's time.</summary>
    public void Write(Domain domain, string text)
    {
        var line = new ConsoleLine(scheduler.NowNs, domain.Id, domain.Name, text);
        lock (_lock)
        {
            _lines.Add(line);
        }

        LineWritten?.Invoke(line);
    }

    /// <summary>Every line so far, in order.</summary>
    public IReadOnlyList<ConsoleLine> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The lines of one domain.</summary>
    public IReadOnlyList<string> LinesOf(Public.DomId domain) =>
        Lines.Where(l => l.Domain == domain).Select(l => l.Text).ToList();
}
