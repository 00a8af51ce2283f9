using System.Globalization;
using System.Text;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.XenStore;
using XvifSim.Host.Toolstack;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using XvifSim.Public.Xenbus;

namespace XvifSim.Host.Faults;

/// <summary>
/// Crash faults: a store watch on each watched state node, as a toolstack
/// or a test harness would set one; when the node reads the chosen state,
/// that end's domain is crashed (domain_crash), once. The check runs while
/// the store delivers the watch event, on the thread whose write fired it,
/// so the crash lands before the writer runs again.
/// </summary>
internal sealed partial class FaultInjector
{
    private XsConnection? _watcher;
    private XsHostClient? _reader;
    private int[] _crashed = [];

    private bool IsOwn(XsConnection conn) => conn == _watcher || conn == _reader?.Connection;

    private void WatchCrashStates()
    {
        if (!_specs.Any(s => s.Kind == FaultKind.Crash) || !_machine.HasXenStore)
        {
            return;
        }

        XenStoreCore core = _machine.XenStore.Core;
        _crashed = new int[_specs.Length];
        _reader = new XsHostClient(core);
        _watcher = core.Connect(DomId.Dom0, privileged: true, OnWatchEvent);
        for (int i = 0; i < _specs.Length; i++)
        {
            if (_specs[i].Kind == FaultKind.Crash)
            {
                // WATCH path|token|, the token being the spec's index; the store answers OK and fires once at once.
                byte[] payload = Encoding.ASCII.GetBytes($"{StatePath(_specs[i])}\0{i.ToString(CultureInfo.InvariantCulture)}\0");
                core.Process(_watcher, XsdSockmsgType.Watch, (uint)i + 1, 0, payload);
            }
        }
    }

    private void StopWatching()
    {
        if (_watcher is not null)
        {
            _machine.XenStore.Core.Disconnect(_watcher);
            _watcher = null;
        }

        _reader?.Dispose();
        _reader = null;
    }

    private static string StatePath(FaultSpec spec) =>
        spec.End == FaultEnd.Frontend
            ? $"{Libxl.FrontendPath(spec.Domain!.Value, spec.Vif)}/state"
            : $"{Libxl.BackendPath(spec.Domain!.Value, spec.Vif)}/state";

    private void OnWatchEvent(XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload)
    {
        if (type != XsdSockmsgType.WatchEvent || _reader is not XsHostClient reader)
        {
            return;
        }

        string[] parts = Encoding.ASCII.GetString(payload).Split('\0');
        if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || index >= _specs.Length || _specs[index].Kind != FaultKind.Crash)
        {
            return;
        }

        FaultSpec spec = _specs[index];
        string path = StatePath(spec);
        if (reader.Read(path, out string value) != Errno.Ok
            || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int state)
            || state != (int)spec.State
            || Interlocked.Exchange(ref _crashed[index], 1) != 0)
        {
            return;
        }

        // Libxl lays every backend out in dom0 (Libxl.BackendPath), so dom0 is the backend domain.
        Domain? victim = spec.End == FaultEnd.Frontend ? Find(spec.Domain!.Value) : _machine.Dom0;
        if (victim is null || victim.State != DomainState.Running)
        {
            return;
        }

        string what = $"{spec.End.ToString().ToLowerInvariant()} state of vif {spec.Domain!.Value.Value}/{spec.Vif} reached {state} ({(XenbusState)state}): crashing {victim.Id}";
        Report(index, victim, what);
        _machine.Crash(victim, new InjectedFaultException(spec, $"fault injected: {what} [{spec.Text}]"));
    }
}
