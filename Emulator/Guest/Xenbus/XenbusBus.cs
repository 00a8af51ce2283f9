using XvifSim.Public;
using XvifSim.Public.Xenbus;

namespace XvifSim.Guest.Xenbus;

/// <summary>
/// The xenbus device model of one domain (NetBSD's xenbus_probe.c). A guest's
/// bus watches its <c>device</c> subtree and attaches a frontend for each
/// <c>device/&lt;type&gt;/&lt;id&gt;</c>; dom0's bus watches <c>backend</c>
/// and attaches a backend for each <c>backend/&lt;type&gt;/&lt;domid&gt;/&lt;handle&gt;</c>
/// that appears at state Initialising. The watch's first event lists the
/// whole subtree; after that a change looks only at the device node its
/// path names, as Linux's xenbus_dev_changed does: a node not attached yet
/// is probed, one that disappeared is detached, and a change below an
/// attached device's node is ignored. For each attached
/// device the bus watches the other end's <c>state</c> and tells the driver.
/// Runs on the domain's vCPU.
/// </summary>
public sealed class XenbusBus
{
    private readonly GuestKernel _kernel;
    private readonly XenbusClient _store;
    private readonly Dictionary<string, IXenbusDriver> _drivers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, XenbusDevice> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StateWatch> _stateWatches = new(StringComparer.Ordinal);
    /// <summary>Device nodes (or shallower paths, such as a domain's directory of backends) waiting to be looked at, in the order their events came.</summary>
    private readonly Queue<string> _pendingNodes = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private bool _probing;
    private bool _probeAll;
    private int _nextToken;

    /// <param name="kernel">The domain's kernel.</param>
    /// <param name="store">Its XenStore client.</param>
    /// <param name="isBackend">True in a driver domain (dom0): probe <c>backend</c>; else <c>device</c>.</param>
    public XenbusBus(GuestKernel kernel, XenbusClient store, bool isBackend)
    {
        _kernel = kernel;
        _store = store;
        IsBackend = isBackend;
    }

    /// <summary>True in a backend domain (probes <c>backend</c>), false in a guest (probes <c>device</c>).</summary>
    public bool IsBackend { get; }

    private string Root => IsBackend ? "backend" : "device";

    /// <summary>Registers the driver for its <see cref="IXenbusDriver.DeviceType"/>, replacing any earlier one; do it before <see cref="StartAsync"/>.</summary>
    public void Register(IXenbusDriver driver) => _drivers[driver.DeviceType] = driver;

    /// <summary>Watches the subtree; the watch's first event runs the first probe.</summary>
    public Task<Errno> StartAsync() => _store.WatchAsync(Root, $"xenbus-{Root}", (path, _) => Changed(path));

    /// <summary>
    /// xenbus_dev_changed (Linux's xenbus_probe.c): a path at or below a
    /// device node (device/&lt;type&gt;/&lt;id&gt; in a guest,
    /// backend/&lt;type&gt;/&lt;domid&gt;/&lt;handle&gt; in dom0) queues
    /// that node alone, unless it is strictly below a node already attached
    /// (a device's own keys, such as the backend writing its state, cannot
    /// add or remove a device); a shallower path (the watched root itself on
    /// the watch's first event, a type directory, a domain's directory of
    /// backends) lists the whole subtree. NetBSD's xenbus_probe re-lists the
    /// whole subtree on every change, which reads every domain's directory
    /// once per key written: with 1,000 guests that grew as the square of
    /// the guests and was most of bringing them up.
    /// </summary>
    private void Changed(string path)
    {
        int end = DeviceNodeEnd(path);
        if (end < 0)
        {
            RequestProbe(path.Contains('/', StringComparison.Ordinal) ? path : null);
        }
        else if (end == path.Length || !_devices.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(path.AsSpan(0, end)))
        {
            RequestProbe(end == path.Length ? path : path[..end]);
        }
    }

    /// <summary>The length of the device node that <paramref name="path"/> is at or below, or -1 when the path is shallower than a device node.</summary>
    private int DeviceNodeEnd(string path)
    {
        int depth = IsBackend ? 4 : 3;
        int end = -1;
        for (int level = 1; level < depth; level++)
        {
            end = path.IndexOf('/', end + 1);
            if (end < 0)
            {
                return -1;
            }
        }

        int next = path.IndexOf('/', end + 1);
        return next < 0 ? path.Length : next;
    }

    /// <summary>
    /// Frees a device the driver has finished with (NetBSD: after the detach
    /// hook on Closed): stop watching the other end, detach, forget it, and
    /// switch its node to Closed if the node is still there.
    /// </summary>
    public async Task FreeAsync(XenbusDevice device)
    {
        if (!_devices.Remove(device.NodeName))
        {
            return;
        }

        await StopWatchingAsync(device);
        await _drivers[device.Type].DetachAsync(device);
        await device.SwitchStateAsync(XenbusState.Closed);
    }

    /// <summary>Queues <paramref name="node"/> (null: the whole subtree) and starts the probe loop unless it is running.</summary>
    private void RequestProbe(string? node)
    {
        if (node is null)
        {
            _probeAll = true;
        }
        else if (_pending.Add(node))
        {
            _pendingNodes.Enqueue(node);
        }

        if (!_probing)
        {
            _kernel.Observe(ProbeLoopAsync());
        }
    }

    /// <summary>One probe at a time: a whole-subtree probe covers every node queued before it ran.</summary>
    private async Task ProbeLoopAsync()
    {
        _probing = true;
        try
        {
            while (_probeAll || _pendingNodes.Count > 0)
            {
                if (_probeAll)
                {
                    _probeAll = false;
                    _pendingNodes.Clear();
                    _pending.Clear();
                    await ProbeOnceAsync();
                    continue;
                }

                string node = _pendingNodes.Dequeue();
                _pending.Remove(node);
                await ProbeNodeAsync(node);
            }
        }
        finally
        {
            _probing = false;
        }
    }

    /// <summary>
    /// Looks at one device node (xenbus_dev_changed, then xenbus_probe_node):
    /// gone, it detaches it (and, for a shallower path, every device below
    /// it, as xenbus_cleanup_devices does); there and not attached yet, it
    /// sets it up. A shallower path that is there lists the whole subtree.
    /// </summary>
    private async Task ProbeNodeAsync(string node)
    {
        bool exists = (await _store.ReadAsync(node)).IsOk;
        if (!exists)
        {
            foreach (XenbusDevice gone in _devices.Values.Where(d => d.NodeName == node || d.NodeName.StartsWith(node + "/", StringComparison.Ordinal)).ToList())
            {
                await DetachGoneAsync(gone);
            }

            return;
        }

        if (DeviceNodeEnd(node) < 0)
        {
            // A type directory or a domain's directory of backends was made:
            // rare (each key below it has its own event too), so list it all.
            await ProbeOnceAsync();
            return;
        }

        int typeStart = node.IndexOf('/') + 1;
        string type = node[typeStart..node.IndexOf('/', typeStart)];
        if (!_devices.ContainsKey(node) && _drivers.TryGetValue(type, out IXenbusDriver? driver))
        {
            await AttachAsync(node, type, driver);
        }
    }

    private async Task DetachGoneAsync(XenbusDevice gone)
    {
        _kernel.Log($"xenbus: {gone.NodeName} removed");
        _devices.Remove(gone.NodeName);
        await StopWatchingAsync(gone);
        await _drivers[gone.Type].DetachAsync(gone);
    }

    private async Task ProbeOnceAsync()
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string type, IXenbusDriver driver) in _drivers.ToList())
        {
            string typeDir = $"{Root}/{type}";
            foreach (string node in await NodesAsync(typeDir))
            {
                present.Add(node);
                if (!_devices.ContainsKey(node) && !await AttachAsync(node, type, driver))
                {
                    // NetBSD stops this probe pass at the first device it cannot set up.
                    break;
                }
            }
        }

        foreach (XenbusDevice gone in _devices.Values.Where(d => !present.Contains(d.NodeName)).ToList())
        {
            await DetachGoneAsync(gone);
        }
    }

    /// <summary>Frontends: device/type/id. Backends: backend/type/domid/handle.</summary>
    private async Task<List<string>> NodesAsync(string typeDir)
    {
        var nodes = new List<string>();
        XsResult<IReadOnlyList<string>> level = await _store.DirectoryAsync(typeDir);
        foreach (string child in level.IsOk ? level.Value! : [])
        {
            if (!IsBackend)
            {
                nodes.Add($"{typeDir}/{child}");
                continue;
            }

            XsResult<IReadOnlyList<string>> handles = await _store.DirectoryAsync($"{typeDir}/{child}");
            nodes.AddRange((handles.IsOk ? handles.Value! : []).Select(h => $"{typeDir}/{child}/{h}"));
        }

        return nodes;
    }

    /// <summary>Sets a device up; false stops this probe pass (the device is retried on the next event).</summary>
    private async Task<bool> AttachAsync(string node, string type, IXenbusDriver driver)
    {
        if (IsBackend)
        {
            XsResult<string> state = await _store.ReadAsync($"{node}/state");
            if (!state.IsOk)
            {
                _kernel.Log($"xenbus: can't get state for {node} ({(int)state.Error})");
                return true;
            }

            if (state.Value != "1")
            {
                return true;
            }
        }

        string idKey = IsBackend ? "frontend-id" : "backend-id";
        string pathKey = IsBackend ? "frontend" : "backend";
        XsResult<string> otherId = await _store.ReadAsync($"{node}/{idKey}");
        XsResult<string> otherPath = await _store.ReadAsync($"{node}/{pathKey}");
        if (!otherId.IsOk || !otherPath.IsOk || !ushort.TryParse(otherId.Value, out ushort otherDom))
        {
            string key = !otherId.IsOk || !ushort.TryParse(otherId.Value, out _) ? idKey : pathKey;
            Errno error = !otherId.IsOk ? otherId.Error : !otherPath.IsOk ? otherPath.Error : Errno.EINVAL;
            _kernel.Log($"xenbus: reading other end details {key} from {node}");
            _kernel.Log($"xenbus: can't get {pathKey} details for {node} ({(int)error})");
            return false;
        }

        if (!(await _store.ReadAsync(otherPath.Value!)).IsOk)
        {
            _kernel.Log($"xenbus: missing other end from {node}");
            return false;
        }

        var device = new XenbusDevice(_store, _kernel, node, type, otherPath.Value!, new DomId(otherDom), IsBackend);
        if (!await driver.AttachAsync(device))
        {
            // The driver's create failed: nothing is kept and the device is
            // retried on the next event, but the pass goes on, so one bad
            // device does not hold back the others (NetBSD stops the pass
            // only when the other end's details cannot be read).
            return true;
        }

        _devices[node] = device;
        await WatchOtherEndAsync(device, driver);
        return true;
    }

    private async Task WatchOtherEndAsync(XenbusDevice device, IXenbusDriver driver)
    {
        string token = $"xenbus-state-{++_nextToken}";
        var watch = new StateWatch(device, driver);
        _stateWatches[token] = watch;
        device.OtherEndWatchToken = token;
        await _store.WatchAsync($"{device.OtherEndPath}/state", token, (_, _) => _kernel.Observe(ReportStateAsync(watch)));
    }

    private async Task StopWatchingAsync(XenbusDevice device)
    {
        if (device.OtherEndWatchToken is { } token && _stateWatches.Remove(token))
        {
            await _store.UnwatchAsync($"{device.OtherEndPath}/state", token);
        }
    }

    /// <summary>Reads the other end's state and tells the driver, one report at a time per device, always the latest state.</summary>
    private async Task ReportStateAsync(StateWatch watch)
    {
        if (watch.Busy)
        {
            watch.Again = true;
            return;
        }

        watch.Busy = true;
        try
        {
            do
            {
                watch.Again = false;
                XsResult<string> text = await _store.ReadAsync($"{watch.Device.OtherEndPath}/state");
                XenbusState state = text.IsOk && int.TryParse(text.Value, out int value) ? (XenbusState)value : XenbusState.Closed;
                if (_devices.ContainsKey(watch.Device.NodeName))
                {
                    await watch.Driver.OtherEndChangedAsync(watch.Device, state);
                }
            }
            while (watch.Again);
        }
        finally
        {
            watch.Busy = false;
        }
    }

    private sealed class StateWatch(XenbusDevice device, IXenbusDriver driver)
    {
        public XenbusDevice Device { get; } = device;

        public IXenbusDriver Driver { get; } = driver;

        public bool Busy { get; set; }

        public bool Again { get; set; }
    }
}
