using XvifSim.Emulator.XenStore;
using XvifSim.Public;

namespace XvifSim.Host.Toolstack;

/// <summary>
/// The XenStore layout a toolstack writes for a domain (docs/misc/xenstore-paths,
/// libxl): its home /local/domain/&lt;id&gt; owned by dom0 and readable by the
/// guest, with name, domid and vm; the directories the guest itself owns
/// (device, control, data, drivers, feature, attr, error); and /vm/&lt;uuid&gt;.
/// </summary>
internal static class DomainDirectories
{
    private static readonly string[] GuestOwned = ["device", "control", "data", "drivers", "feature", "attr", "error"];

    /// <summary>Writes dom0's home (name Domain-0, domid 0).</summary>
    public static void WriteDom0(XsHostClient store)
    {
        Check(store.Write("/local/domain/0/name", "Domain-0"), "/local/domain/0/name");
        Check(store.Write("/local/domain/0/domid", "0"), "/local/domain/0/domid");
    }

    /// <summary>Writes a guest's home and the directories it owns.</summary>
    public static void WriteGuest(XsHostClient store, DomId domain, string name)
    {
        string home = $"/local/domain/{domain.Value}";
        string vm = $"/vm/{Uuid(domain)}";
        Check(store.Mkdir(home), home);
        Check(store.SetPerms(home, "n0", $"r{domain.Value}"), home);
        Check(store.Write($"{home}/name", name), $"{home}/name");
        Check(store.Write($"{home}/domid", domain.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{home}/domid");
        Check(store.Write($"{home}/vm", vm), $"{home}/vm");
        Check(store.Write($"{vm}/name", name), $"{vm}/name");
        foreach (string dir in GuestOwned)
        {
            Check(store.Mkdir($"{home}/{dir}"), $"{home}/{dir}");
            Check(store.SetPerms($"{home}/{dir}", $"n{domain.Value}"), $"{home}/{dir}");
        }
    }

    /// <summary>A stable uuid per domain id, so runs are reproducible.</summary>
    public static string Uuid(DomId domain) => $"00000000-0000-4000-8000-{domain.Value:x12}";

    private static void Check(Errno result, string path)
    {
        if (result != Errno.Ok)
        {
            throw new InvalidOperationException($"toolstack: writing {path} failed: {result}");
        }
    }
}
