using System.Globalization;
using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// libxl's part, run in the host on dom0's behalf: creates and destroys
/// guests, lays out their XenStore homes, adds and removes vifs with the
/// directories libxl writes (libxl_device.c, libxl_nic.c), and runs the
/// hotplug script when asked. It does not watch the store: the caller says
/// when the backend is ready for the hotplug script (<see cref="RunHotplug"/>)
/// and when it has closed (<see cref="FinishRemoveVif"/>), where libxl would
/// wait on watches. Not done: the device settings libxl keeps under
/// /libxl/&lt;domid&gt;/device beside the two paths, disks, consoles and
/// anything but PV vifs.
/// Store failures on its own privileged connection are broken invariants and
/// throw; a backend that has not written what the hotplug step needs is a
/// value (<see cref="HotplugResult"/>).
/// </summary>
internal sealed partial class Libxl
{
    /// <summary>Where libxl finds a script named without a directory (XEN_SCRIPT_DIR, libxl__abs_path).</summary>
    public const string ScriptDirectory = "/etc/xen/scripts";

    private const int KiBPerPage = 4;

    private readonly Machine _machine;
    private readonly XsHostClient _store;
    private readonly IHotplugScript _hotplug;
    private readonly Action<string> _log;

    /// <param name="machine">The hypervisor whose domains it creates and destroys.</param>
    /// <param name="store">dom0's privileged store client; the caller owns it.</param>
    /// <param name="hotplug">Runs the vif's hotplug script (vif-bridge) in dom0.</param>
    /// <param name="log">Receives one console-style line per thing done.</param>
    public Libxl(Machine machine, XsHostClient store, IHotplugScript hotplug, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hotplug);
        ArgumentNullException.ThrowIfNull(log);
        _machine = machine;
        _store = store;
        _hotplug = hotplug;
        _log = log;
    }

    /// <summary>
    /// xl create: makes the domain, writes its home (name, domid, vm, the
    /// directories it owns, memory/static-max and memory/target in KiB, as
    /// libxl's build step does), then adds each vif with handle = its index.
    /// </summary>
    public Domain CreateGuest(GuestConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var domainConfig = new DomainConfig(config.Name);
        if (config.MemoryMiB is int mib)
        {
            domainConfig = domainConfig with { RamPages = (ulong)mib * 1024 / KiBPerPage };
        }

        Domain domain = _machine.CreateDomain(domainConfig);
        DomainDirectories.WriteGuest(_store, domain.Id, config.Name);
        string home = HomePath(domain.Id);
        string kib = Decimal(domainConfig.RamPages * KiBPerPage);
        Check(_store.Write($"{home}/memory/static-max", kib), $"{home}/memory/static-max");
        Check(_store.Write($"{home}/memory/target", kib), $"{home}/memory/target");
        _log($"libxl: domain {domain.Id.Value} ({config.Name}) created, {kib} KiB");
        for (int handle = 0; handle < config.Vifs.Count; handle++)
        {
            AddVif(domain.Id, config.Vifs[handle], handle);
        }

        return domain;
    }

    /// <summary>
    /// xl destroy: closes and removes each vif (online 0 and state 5, the
    /// hotplug script with 6, both directories), removes the domain's home,
    /// its /vm entry and /libxl/&lt;domid&gt;, then destroys the domain. A vif whose hotplug step
    /// fails is logged and removed all the same.
    /// </summary>
    public void DestroyGuest(DomId guest)
    {
        Domain domain = _machine.GetDomain(guest);
        if (domain.IsPrivileged)
        {
            throw new ArgumentException("dom0 cannot be destroyed", nameof(guest));
        }

        if (_store.Directory($"{BackendRoot}/{guest.Value}", out IReadOnlyList<string> handles) == Errno.Ok)
        {
            foreach (string name in handles)
            {
                if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int handle))
                {
                    Errno closed = Close(guest, handle);
                    if (closed != Errno.Ok)
                    {
                        _log($"libxl: vif {guest.Value}/{handle}: cannot close: {closed}");
                    }

                    FinishRemoveVif(guest, handle);
                }
            }
        }

        string home = HomePath(guest);
        string vm = _store.Read($"{home}/vm", out string vmPath) == Errno.Ok ? vmPath : $"/vm/{DomainDirectories.Uuid(guest)}";
        string libxl = DomainDirectories.LibxlPath(guest);
        CheckRemoved(_store.Rm(home), home);
        CheckRemoved(_store.Rm(vm), vm);
        CheckRemoved(_store.Rm(libxl), libxl);
        _machine.DestroyDomain(guest);
        _log($"libxl: domain {guest.Value} destroyed");
    }

    private static string HomePath(DomId domain) => DomainDirectories.HomePath(domain);

    private static string Decimal(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Check(Errno result, string path)
    {
        if (result != Errno.Ok)
        {
            throw new InvalidOperationException($"toolstack: writing {path} failed: {result}");
        }
    }

    private static void CheckRemoved(Errno result, string path)
    {
        if (result is not (Errno.Ok or Errno.ENOENT))
        {
            throw new InvalidOperationException($"toolstack: removing {path} failed: {result}");
        }
    }
}
