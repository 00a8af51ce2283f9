using System.Globalization;
using XvifSim.Public;

namespace XvifSim.Host.Toolstack;

/// <summary>Adding and removing vifs: the directories and keys libxl writes.</summary>
internal sealed partial class Libxl
{
    /// <summary>The MTU libxl gives a vif when none is configured (LIBXL_DEVICE_NIC_MTU_DEFAULT).</summary>
    public const int DefaultMtu = 1500;

    /// <summary>Backends live in dom0: every vif's backend directory is under here.</summary>
    public const string BackendRoot = "/local/domain/0/backend/vif";

    // XenbusState values the toolstack writes (xenbus.h): Initialising 1, Closing 5, Closed 6.
    private const string StateInitialising = "1";
    private const string StateClosing = "5";
    private const string StateClosed = "6";

    /// <summary>/local/domain/0/backend/vif/&lt;domid&gt;/&lt;handle&gt;.</summary>
    public static string BackendPath(DomId guest, int handle) => $"{BackendRoot}/{guest.Value}/{handle}";

    /// <summary>/local/domain/&lt;domid&gt;/device/vif/&lt;handle&gt;.</summary>
    public static string FrontendPath(DomId guest, int handle) => $"{HomePath(guest)}/device/vif/{handle}";

    /// <summary>libxl__device_libxl_path: /libxl/&lt;domid&gt;/device/vif/&lt;handle&gt;, where libxl records the two paths.</summary>
    public static string LibxlDevicePath(DomId guest, int handle) => $"{DomainDirectories.LibxlPath(guest)}/device/vif/{handle}";

    /// <summary>
    /// libxl__device_nic_add: in one transaction (redone on EAGAIN), as
    /// libxl__device_generic_add does, the toolstack's record under
    /// <see cref="LibxlDevicePath"/> (frontend and backend, dom0's only), the frontend directory with
    /// permissions [n&lt;domid&gt;, r0] and keys backend, backend-id, state 1,
    /// handle, mac, trusted 1, and mtu (the one key the guest may only read,
    /// [n0, r&lt;domid&gt;]); then the backend directory with [n0, r&lt;domid&gt;]
    /// and keys frontend, frontend-id, online 1, state 1, script (made
    /// absolute under <see cref="ScriptDirectory"/>), vifname and ip if set,
    /// mac, bridge, handle, type vif and an empty hotplug-status (which tells
    /// a Linux backend to wait for the script; NetBSD's ignores it). Each
    /// directory is removed, made and given its permissions before its keys
    /// are written, so the keys inherit them. <see cref="VifSpec.Mac"/> is
    /// written verbatim, and not at all when null.
    /// </summary>
    public void AddVif(DomId guest, VifSpec vif, int handle)
    {
        ArgumentNullException.ThrowIfNull(vif);
        ArgumentOutOfRangeException.ThrowIfNegative(handle);
        if (!_machine.TryGetDomain(guest, out var domain) || domain.IsPrivileged || domain.IsDying)
        {
            throw new ArgumentException($"no live guest {guest} to add a vif to", nameof(guest));
        }

        string frontend = FrontendPath(guest, handle);
        string backend = BackendPath(guest, handle);
        string domid = guest.Value.ToString(CultureInfo.InvariantCulture);
        string handleText = handle.ToString(CultureInfo.InvariantCulture);

        var front = new List<(string, string)> { ("backend", backend), ("backend-id", "0"), ("state", StateInitialising), ("handle", handleText) };
        AddIfSet(front, "mac", vif.Mac);
        front.Add(("trusted", "1"));

        var back = new List<(string, string)>
        {
            ("frontend", frontend), ("frontend-id", domid), ("online", "1"), ("state", StateInitialising),
            ("script", vif.Script.Contains('/', StringComparison.Ordinal) ? vif.Script : $"{ScriptDirectory}/{vif.Script}"),
        };
        AddIfSet(back, "vifname", vif.VifName);
        AddIfSet(back, "mac", vif.Mac);
        AddIfSet(back, "ip", vif.Ip);
        back.AddRange([("bridge", vif.Bridge), ("handle", handleText), ("type", "vif"), ("hotplug-status", "")]);

        string libxl = LibxlDevicePath(guest, handle);
        Errno result = _store.RunTransaction(tx =>
        {
            // libxl__device_generic_add: the toolstack's own record first.
            Errno e = _store.Rm(libxl, tx);
            e = e is Errno.Ok or Errno.ENOENT ? _store.Write($"{libxl}/frontend", frontend, tx) : e;
            e = e != Errno.Ok ? e : _store.Write($"{libxl}/backend", backend, tx);
            e = e != Errno.Ok ? e : MakeDirectory(tx, frontend, [$"n{domid}", "r0"], front);
            e = e != Errno.Ok ? e : _store.Write($"{frontend}/mtu", DefaultMtu.ToString(CultureInfo.InvariantCulture), tx);
            e = e != Errno.Ok ? e : _store.SetPerms(tx, $"{frontend}/mtu", "n0", $"r{domid}");
            return e != Errno.Ok ? e : MakeDirectory(tx, backend, ["n0", $"r{domid}"], back);
        });
        if (result != Errno.Ok)
        {
            throw new InvalidOperationException($"toolstack: adding vif {guest.Value}/{handle} failed: {result}");
        }

        _log($"libxl: vif {guest.Value}/{handle} added: backend {backend}, mac {vif.Mac ?? "(none)"}, bridge {vif.Bridge}");
    }

    /// <summary>
    /// network-detach, first half (libxl__initiate_device_generic_remove):
    /// in one transaction, backend online 0 and state 5 (Closing), unless the
    /// backend is already Closed. libxl would then wait for the backend to
    /// reach state 6; the caller does, then calls <see cref="FinishRemoveVif"/>.
    /// </summary>
    public void RemoveVif(DomId guest, int handle)
    {
        Errno result = Close(guest, handle);
        if (result != Errno.Ok)
        {
            throw new InvalidOperationException($"toolstack: closing vif {guest.Value}/{handle} failed: {result}");
        }

        _log($"libxl: vif {guest.Value}/{handle} closing (online 0, state {StateClosing})");
    }

    /// <summary>
    /// network-detach, second half: runs the hotplug script with 6, then,
    /// whatever it answered, removes the backend directory (the xenstore-rm
    /// NetBSD's vif-bridge does on 6) and the frontend directory, with the
    /// parents that are left empty (libxl__xs_path_cleanup), stopping at
    /// dom0's backend and the guest's device directories, and libxl's record. The result is the
    /// script's, or why it could not run (a backend that never wrote
    /// vifname has no interface to unplug).
    /// </summary>
    public HotplugResult FinishRemoveVif(DomId guest, int handle)
    {
        string backend = BackendPath(guest, handle);
        string frontend = FrontendPath(guest, handle);
        if (_store.Directory(backend, out _) == Errno.ENOENT && _store.Directory(frontend, out _) == Errno.ENOENT)
        {
            throw new InvalidOperationException($"toolstack: there is no vif {guest.Value}/{handle}");
        }

        HotplugResult script = RunScript(guest, handle, HotplugAction.Remove);
        Errno result = _store.RunTransaction(tx =>
        {
            Errno e = RemoveWithEmptyParents(tx, backend, "/local/domain/0/backend");
            e = e != Errno.Ok ? e : RemoveWithEmptyParents(tx, LibxlDevicePath(guest, handle), $"{DomainDirectories.LibxlPath(guest)}/device");
            return e != Errno.Ok ? e : RemoveWithEmptyParents(tx, frontend, $"{HomePath(guest)}/device");
        });
        if (result != Errno.Ok)
        {
            throw new InvalidOperationException($"toolstack: removing vif {guest.Value}/{handle} failed: {result}");
        }

        _log($"libxl: vif {guest.Value}/{handle} removed");
        return script;
    }

    private Errno Close(DomId guest, int handle)
    {
        string backend = BackendPath(guest, handle);
        return _store.RunTransaction(tx =>
        {
            // Reading state in the transaction makes the commit fail, and the
            // whole step be redone, if the backend moves meanwhile.
            Errno e = _store.Read($"{backend}/state", out string state, tx);
            e = e != Errno.Ok ? e : _store.Write($"{backend}/online", "0", tx);
            return e != Errno.Ok || state == StateClosed ? e : _store.Write($"{backend}/state", StateClosing, tx);
        });
    }

    private Errno MakeDirectory(uint tx, string path, string[] perms, List<(string Key, string Value)> keys)
    {
        Errno e = _store.Rm(path, tx);
        e = e is Errno.Ok or Errno.ENOENT ? _store.Mkdir(path, tx) : e;
        e = e != Errno.Ok ? e : _store.SetPerms(tx, path, perms);
        foreach ((string key, string value) in keys)
        {
            e = e != Errno.Ok ? e : _store.Write($"{path}/{key}", value, tx);
        }

        return e;
    }

    private Errno RemoveWithEmptyParents(uint tx, string path, string stopAt)
    {
        Errno e = _store.Rm(path, tx);
        if (e is not (Errno.Ok or Errno.ENOENT))
        {
            return e;
        }

        for (string parent = path[..path.LastIndexOf('/')]; parent.StartsWith(stopAt + "/", StringComparison.Ordinal); parent = parent[..parent.LastIndexOf('/')])
        {
            if (_store.Directory(parent, out IReadOnlyList<string> children, tx) != Errno.Ok || children.Count > 0)
            {
                break;
            }

            e = _store.Rm(parent, tx);
            if (e != Errno.Ok)
            {
                return e;
            }
        }

        return Errno.Ok;
    }

    private static void AddIfSet(List<(string, string)> keys, string key, string? value)
    {
        if (value is not null)
        {
            keys.Add((key, value));
        }
    }
}
