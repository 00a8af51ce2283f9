namespace XvifSim.Emulator;

/// <summary>
/// One domain's console lines, bounded: when full, a new line overwrites the
/// oldest and is counted as dropped, as Xen's console ring (conring in
/// xen/drivers/char/console.c) keeps the newest output and loses the oldest.
/// Storage grows with use up to the capacity, so a quiet domain holds little.
/// Not thread-safe: <see cref="XenConsole"/> holds its lock around every call.
/// </summary>
internal sealed class ConsoleRing(int capacity)
{
    private readonly List<ConsoleLine> _lines = [];
    private int _oldest;

    /// <summary>Lines overwritten before anyone could read them.</summary>
    public long Dropped { get; private set; }

    public int Count => _lines.Count;

    public void Add(ConsoleLine line)
    {
        if (_lines.Count < capacity)
        {
            _lines.Add(line);
            return;
        }

        _lines[_oldest] = line;
        _oldest = (_oldest + 1) % capacity;
        Dropped++;
    }

    /// <summary>The retained lines, oldest first.</summary>
    public void CopyTo(List<ConsoleLine> into)
    {
        for (int i = 0; i < _lines.Count; i++)
        {
            into.Add(_lines[(_oldest + i) % _lines.Count]);
        }
    }
}
