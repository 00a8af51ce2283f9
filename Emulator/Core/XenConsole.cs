using XvifSim.Emulator.Domains;
using XvifSim.Public;

namespace XvifSim.Emulator;

/// <summary>
/// The consoles every domain writes its kernel log to (CONSOLEIO_write): one
/// bounded ring per domain (<see cref="ConsoleRing"/>), so a guest that logs
/// without end costs a fixed amount of memory; what a full ring overwrites is
/// counted per domain and reported. Lines keep the order they were written in
/// across domains.
/// </summary>
public sealed class XenConsole
{
    /// <summary>Lines each domain's ring keeps unless the machine says otherwise.</summary>
    public const int DefaultLinesPerDomain = 4096;

    private readonly Scheduling.IScheduler _scheduler;
    private readonly Dictionary<DomId, ConsoleRing> _rings = [];
    private readonly Lock _lock = new();
    private long _written;

    /// <summary>An empty console stamped by <paramref name="scheduler"/>'s clock.</summary>
    /// <param name="scheduler">Gives each line its time (<see cref="Scheduling.IScheduler.NowNs"/>).</param>
    /// <param name="linesPerDomain">Lines each domain's ring keeps before the oldest is overwritten (at least 1).</param>
    public XenConsole(Scheduling.IScheduler scheduler, int linesPerDomain = DefaultLinesPerDomain)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(linesPerDomain, 1);
        _scheduler = scheduler;
        LinesPerDomain = linesPerDomain;
    }

    /// <summary>The capacity of each domain's ring.</summary>
    public int LinesPerDomain { get; }

    /// <summary>Raised after a line is recorded (outside the lock).</summary>
    public event Action<ConsoleLine>? LineWritten;

    /// <summary>Records one line of <paramref name="domain"/>'s kernel log, stamped with the scheduler's time.</summary>
    public void Write(Domain domain, string text)
    {
        ConsoleLine line;
        lock (_lock)
        {
            line = new ConsoleLine(_scheduler.NowNs, domain.Id, domain.Name, text) { Sequence = _written++ };
            if (!_rings.TryGetValue(domain.Id, out ConsoleRing? ring))
            {
                ring = new ConsoleRing(LinesPerDomain);
                _rings[domain.Id] = ring;
            }

            ring.Add(line);
        }

        LineWritten?.Invoke(line);
    }

    /// <summary>Every retained line, in the order written.</summary>
    public IReadOnlyList<ConsoleLine> Lines
    {
        get
        {
            var all = new List<ConsoleLine>();
            lock (_lock)
            {
                foreach (ConsoleRing ring in _rings.Values)
                {
                    ring.CopyTo(all);
                }
            }

            all.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            return all;
        }
    }

    /// <summary>The retained lines of one domain, oldest first.</summary>
    public IReadOnlyList<string> LinesOf(DomId domain)
    {
        var lines = new List<ConsoleLine>();
        lock (_lock)
        {
            if (_rings.TryGetValue(domain, out ConsoleRing? ring))
            {
                ring.CopyTo(lines);
            }
        }

        return lines.ConvertAll(l => l.Text);
    }

    /// <summary>Lines of <paramref name="domain"/> its full ring overwrote.</summary>
    public long DroppedOf(DomId domain)
    {
        lock (_lock)
        {
            return _rings.TryGetValue(domain, out ConsoleRing? ring) ? ring.Dropped : 0;
        }
    }

    /// <summary>Lines written so far by every domain, dropped or not.</summary>
    public long Written
    {
        get
        {
            lock (_lock)
            {
                return _written;
            }
        }
    }
}
