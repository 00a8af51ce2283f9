using System.Globalization;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// The XenStore layout a toolstack writes for a domain, exactly as libxl's
/// <c>libxl__domain_make</c> (tools/libs/light/libxl_create.c) does for a
/// PVH guest, in one transaction (redone on EAGAIN):
/// <list type="bullet">
/// <item>/local/domain/&lt;id&gt;, /vm/&lt;uuid&gt; and cpu, memory, device and
/// control under the home: (n0,r&lt;id&gt;), owned by dom0, readable by the guest;</item>
/// <item>device/suspend/event-channel, control/shutdown, control/feature-poweroff,
/// -reboot, -suspend, control/sysrq, and data, drivers, feature, attr, error:
/// (n&lt;id&gt;), the guest's own;</item>
/// <item>/libxl/&lt;id&gt; and /libxl/&lt;id&gt;/device: (n0); type "pvh";</item>
/// <item>vm, name and domid in the home, uuid and name in /vm/&lt;uuid&gt;, and
/// control/platform-feature-multiprocessor-suspend and
/// control/platform-feature-xs_reset_watches = 1, all inheriting their parent's
/// permissions.</item>
/// </list>
/// Each node is made as libxl__xs_mknod makes it: an empty value, then its
/// permissions. So a guest may write only where libxl lets it: its frontend
/// directories (libxl__device_generic_add gives it those), the nodes above
/// that are its own, and what it creates under them; anything else, such as a
/// new node directly under device/ or control/, is EACCES, as on Xen.
/// (domid is written by libxl__build_post, a step later, on Xen; here it is
/// part of the same transaction.)
/// </summary>
internal static class DomainDirectories
{
    /// <summary>Nodes libxl makes (n0,r&lt;id&gt;) under the home, in its order.</summary>
    private static readonly string[] ReadOnlyForGuest = ["cpu", "memory", "device", "control"];

    /// <summary>Nodes libxl makes (n&lt;id&gt;) under the home, in its order.</summary>
    private static readonly string[] OwnedByGuest =
    [
        "device/suspend/event-channel",
        "control/shutdown", "control/feature-poweroff", "control/feature-reboot", "control/feature-suspend", "control/sysrq",
        "data", "drivers", "feature", "attr", "error",
    ];

    /// <summary>What libxl writes into /libxl/&lt;id&gt;/type (libxl_domain_type_to_string): our guests are PVH.</summary>
    public const string DomainType = "pvh";

    /// <summary>Writes dom0's home (name Domain-0, domid 0).</summary>
    public static void WriteDom0(XsHostClient store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Check(store.Write("/local/domain/0/name", "Domain-0"), "/local/domain/0/name");
        Check(store.Write("/local/domain/0/domid", "0"), "/local/domain/0/domid");
    }

    /// <summary>Writes a guest's home, /vm and /libxl directories in one transaction, as libxl__domain_make does.</summary>
    public static void WriteGuest(XsHostClient store, DomId domain, string name)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(name);
        string id = domain.Value.ToString(CultureInfo.InvariantCulture);
        string home = HomePath(domain);
        string uuid = Uuid(domain);
        string vm = $"/vm/{uuid}";
        string libxl = LibxlPath(domain);
        string dom0Only = "n0";
        string[] readOnly = [dom0Only, $"r{id}"];
        string[] guests = [$"n{id}"];

        Errno result = store.RunTransaction(tx =>
        {
            var steps = new List<Func<Errno>>
            {
                () => Remove(store, tx, home), () => Mknod(store, tx, home, readOnly),
                () => Remove(store, tx, vm), () => Mknod(store, tx, vm, readOnly),
                () => Remove(store, tx, libxl), () => Mknod(store, tx, libxl, dom0Only), () => Mknod(store, tx, $"{libxl}/device", dom0Only),
                () => store.Write($"{home}/vm", vm, tx),
                () => store.Write($"{home}/name", name, tx),
            };
            steps.AddRange(ReadOnlyForGuest.Select(dir => (Func<Errno>)(() => Mknod(store, tx, $"{home}/{dir}", readOnly))));
            steps.AddRange(OwnedByGuest.Select(node => (Func<Errno>)(() => Mknod(store, tx, $"{home}/{node}", guests))));
            steps.AddRange(
            [
                () => store.Write($"{vm}/uuid", uuid, tx),
                () => store.Write($"{vm}/name", name, tx),
                () => store.Write($"{home}/control/platform-feature-multiprocessor-suspend", "1", tx),
                () => store.Write($"{home}/control/platform-feature-xs_reset_watches", "1", tx),
                () => store.Write($"{libxl}/type", DomainType, tx),
                () => store.Write($"{home}/domid", id, tx),
            ]);
            foreach (Func<Errno> step in steps)
            {
                Errno e = step();
                if (e != Errno.Ok)
                {
                    return e;
                }
            }

            return Errno.Ok;
        });
        Check(result, home);
    }

    /// <summary>A stable uuid per domain id, so runs are reproducible.</summary>
    public static string Uuid(DomId domain) => $"00000000-0000-4000-8000-{domain.Value:x12}";

    /// <summary>/local/domain/&lt;id&gt;.</summary>
    public static string HomePath(DomId domain) => $"/local/domain/{domain.Value}";

    /// <summary>libxl__xs_libxl_path: /libxl/&lt;id&gt;, the toolstack's private directory for the domain.</summary>
    public static string LibxlPath(DomId domain) => $"/libxl/{domain.Value}";

    /// <summary>libxl__xs_mknod: an empty node, then its permissions.</summary>
    private static Errno Mknod(XsHostClient store, uint tx, string path, params string[] perms)
    {
        Errno e = store.Write(path, string.Empty, tx);
        return e != Errno.Ok ? e : store.SetPerms(tx, path, perms);
    }

    private static Errno Remove(XsHostClient store, uint tx, string path)
    {
        Errno e = store.Rm(path, tx);
        return e == Errno.ENOENT ? Errno.Ok : e;
    }

    private static void Check(Errno result, string path)
    {
        if (result != Errno.Ok)
        {
            throw new InvalidOperationException($"toolstack: writing {path} failed: {result}");
        }
    }
}
