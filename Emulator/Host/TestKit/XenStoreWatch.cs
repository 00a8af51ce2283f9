namespace XvifSim.Host;

/// <summary>A XenStore watch set through <see cref="DomainStore.Watch"/>: the paths it fired for, in order.</summary>
public sealed class XenStoreWatch : IDisposable
{
    /// <summary>At most this many events are kept; later ones are counted in <see cref="Dropped"/>.</summary>
    public const int Capacity = 4096;

    private readonly DomainStore _store;
    private readonly Lock _lock = new();
    private readonly List<string> _events = [];
    private long _dropped;
    private bool _disposed;

    internal XenStoreWatch(DomainStore store, string path, string token)
    {
        _store = store;
        Path = path;
        Token = token;
    }

    /// <summary>The watched path.</summary>
    public string Path { get; }

    /// <summary>The token the watch was set with.</summary>
    public string Token { get; }

    /// <summary>The paths of the events so far, oldest first (the first is the watch's own initial event).</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Events beyond <see cref="Capacity"/>, not kept.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Runs the host until an event for <paramref name="path"/> (exactly) has fired; false on timeout.</summary>
    public bool WaitFor(string path, TimeSpan? timeout = null) =>
        _store.Host.WaitUntil(() => Events.Contains(path), timeout);

    /// <summary>XS_UNWATCH, unless the domain is already gone.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _store.Unwatch(this);
    }

    /// <summary>Records one event; runs on the domain's vCPU.</summary>
    internal void Fired(string path)
    {
        lock (_lock)
        {
            if (_events.Count < Capacity)
            {
                _events.Add(path);
                return;
            }
        }

        Interlocked.Increment(ref _dropped);
    }
}
