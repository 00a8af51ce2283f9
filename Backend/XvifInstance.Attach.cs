using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;
using XvifSim.Public;
using XvifSim.Public.Xenbus;

namespace XvifSim.Backend;

/// <summary>Create (NetBSD's xennetback_xenbus_create, in its order): ids, name, MAC, interface, handshake keys, InitWait.</summary>
public sealed partial class XvifInstance
{
    /// <summary>
    /// Makes the vif of <paramref name="device"/>, or returns null having
    /// logged why through <paramref name="log"/>. Nothing is written to the
    /// store and no interface is left attached when it fails before the keys
    /// are written, so a retry (the bus probes again on the next change under
    /// <c>backend</c>) starts clean.
    /// </summary>
    internal static async Task<XvifInstance?> CreateAsync(
        GuestKernel kernel, XenbusDevice device, XvifOptions options, Func<DomId, ulong, bool> isAttached, Action<string> log)
    {
        string node = device.NodeName;
        XsResult<ulong> domid = await device.ReadULongAsync("frontend-id");
        if (!domid.IsOk || domid.Value >= DomId.FirstReserved)
        {
            log($"xvif: can't read {node}/frontend-id: {(int)(domid.IsOk ? Errno.EINVAL : domid.Error)}");
            return null;
        }

        XsResult<ulong> handle = await device.ReadULongAsync("handle");
        if (!handle.IsOk)
        {
            log($"xvif: can't read {node}/handle: {(int)handle.Error}");
            return null;
        }

        var frontendId = new DomId((ushort)domid.Value);
        if (isAttached(frontendId, handle.Value))
        {
            // NetBSD returns EEXIST silently for a (domid, handle) it already has.
            return null;
        }

        // NetBSD always names the interface xvif<domid>i<handle>. A toolstack
        // that was given vifname= writes it to the backend directory
        // (libxl__device_nic_add), and on Linux the hotplug script renames
        // the interface to it (vif-common.sh); NetBSD cannot rename an
        // interface, so the name is taken here, where the interface is made.
        // The directory is dom0's (the guest may only read it), so the value
        // is the toolstack's; one that is no interface name is not used.
        XsResult<string> configured = await device.Store.ReadAsync($"{node}/vifname");
        string name = configured.IsOk && IsInterfaceName(configured.Value!) ? configured.Value! : $"xvif{domid.Value}i{handle.Value}";

        // The guest's MAC from the backend directory, as NetBSD reads it (libxl writes it in both).
        XsResult<string> macText = await device.Store.ReadAsync($"{node}/mac");
        if (!macText.IsOk)
        {
            log($"{name}: can't read {node}/mac: {(int)macText.Error}");
            return null;
        }

        if (!XvifMac.TryParse(macText.Value!, out MacAddress guestMac))
        {
            log($"{name}: {macText.Value} is not a valid mac address");
            return null;
        }

        var vif = new XvifInstance(kernel, device, name, XvifMac.Derive(guestMac, options.MacRule), frontendId, handle.Value, options.RxNotify);
        kernel.Log($"{name}: Ethernet address {vif.Interface.Mac}");
        if (!kernel.Interfaces.Attach(vif.Interface))
        {
            vif.Log($"interface name in use: {(int)Errno.EEXIST}");
            return null;
        }

        if (!await vif.AdvertiseAsync())
        {
            kernel.Interfaces.Detach(vif.Interface);
            return null;
        }

        Errno switched = await device.SwitchStateAsync(XenbusState.InitWait);
        if (switched != Errno.Ok)
        {
            log($"failed to switch state on {node}: {(int)switched}");
            kernel.Interfaces.Detach(vif.Interface);
            return null;
        }

        return vif;
    }

    /// <summary>An interface name NetBSD's ifconfig takes: 1 to 15 characters (IFNAMSIZ 16 with the NUL), printable ASCII, no '/' or space.</summary>
    internal static bool IsInterfaceName(string name) =>
        name.Length is > 0 and < 16 && name.All(c => c is > ' ' and < (char)0x7f and not '/');

    /// <summary>
    /// One transaction in the backend directory, in NetBSD's order: vifname,
    /// feature-rx-copy, feature-ipv6-csum-offload, feature-sg; retried on
    /// EAGAIN. A failed start or write fails the create; a failed end is
    /// logged and the create goes on, as NetBSD's does.
    /// </summary>
    private async Task<bool> AdvertiseAsync()
    {
        string node = Device.NodeName;
        (string Key, string Value)[] keys =
        [
            ("vifname", Name),
            ("feature-rx-copy", "1"),
            ("feature-ipv6-csum-offload", "1"),
            ("feature-sg", "1"),
        ];
        bool started = false;
        string? failedKey = null;
        Errno error = await Device.Store.TransactAsync(async tx =>
        {
            started = true;
            foreach ((string key, string value) in keys)
            {
                Errno written = await Device.Store.WriteAsync($"{node}/{key}", value, tx);
                if (written != Errno.Ok)
                {
                    failedKey = key;
                    return written;
                }
            }

            failedKey = null;
            return Errno.Ok;
        });

        if (error == Errno.Ok)
        {
            return true;
        }

        if (!started)
        {
            Log("can't start transaction");
            return false;
        }

        if (failedKey is not null)
        {
            _kernel.Log($"failed to write {node}/{failedKey}: {(int)error}");
            return false;
        }

        Log($"can't end transaction: {(int)error}");
        return true;
    }
}
