using XvifSim.Guest.Xenbus;
using XvifSim.Public;

namespace XvifSim.Host;

/// <summary>
/// XenStore as one domain sees it, over that domain's own XenStore ring and
/// with its permissions (a guest reads its home and what it was granted;
/// dom0 everything). Relative paths are relative to the domain's home
/// (/local/domain/&lt;domid&gt;), as in xenstore.txt.
/// </summary>
public sealed class DomainStore
{
    private readonly XenHost _host;
    private readonly XenDomain _domain;
    private XenbusClient? _client;
    private int _nextWatch;

    internal DomainStore(XenHost host, XenDomain domain)
    {
        _host = host;
        _domain = domain;
    }

    /// <summary>Reads <paramref name="path"/>: its value, or the errno (ENOENT, EACCES, ...).</summary>
    public XsResult<string> Read(string path) => _domain.OnVcpuAsync(() => Client.ReadAsync(path));

    /// <summary>Writes <paramref name="value"/> at <paramref name="path"/>; returns Ok or the errno.</summary>
    public Errno Write(string path, string value) => _domain.OnVcpuAsync(() => Client.WriteAsync(path, value));

    /// <summary>Lists the children of <paramref name="path"/>, or the errno.</summary>
    public XsResult<IReadOnlyList<string>> Directory(string path) => _domain.OnVcpuAsync(() => Client.DirectoryAsync(path));

    /// <summary>Removes <paramref name="path"/> and everything under it; returns Ok or the errno.</summary>
    public Errno Remove(string path) => _domain.OnVcpuAsync(() => Client.RmAsync(path));

    /// <summary>
    /// Watches <paramref name="path"/> and its subtree. The store fires the
    /// watch once at once (XS_WATCH's first event), then on every change.
    /// Dispose the watch to remove it; one left undisposed is reported by
    /// <see cref="XenHost.AssertNothingHeldAfterDestroy"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store refused the watch (the errno is in the message).</exception>
    public XenStoreWatch Watch(string path)
    {
        string token = $"xenhost-{++_nextWatch}";
        var watch = new XenStoreWatch(this, path, token);
        Errno error = _domain.OnVcpuAsync(() => Client.WatchAsync(path, token, (fired, _) => watch.Fired(fired)));
        if (error != Errno.Ok)
        {
            throw new InvalidOperationException($"{_domain.Name}: XS_WATCH {path}: {error}");
        }

        return watch;
    }

    /// <summary>XS_UNWATCH; a destroyed domain's watches went with its connection.</summary>
    internal void Unwatch(XenStoreWatch watch)
    {
        if (!_domain.IsGone)
        {
            _domain.OnVcpuAsync(() => Client.UnwatchAsync(watch.Path, watch.Token));
        }
    }

    internal XenHost Host => _host;

    /// <summary>The domain's own connection: the one its xenbus uses (one ring per domain, as in Xen).</summary>
    private XenbusClient Client => _client ??= _domain.System?.Store ?? _host.Xen.Dom0.Store;
}
