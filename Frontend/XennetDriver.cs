using System.Globalization;
using XvifSim.Guest.Xenbus;
using XvifSim.Public.Xenbus;

namespace XvifSim.Frontend;

/// <summary>
/// The xennet driver of a guest's xenbus (NetBSD's xennet_xenbus_ca): one
/// <see cref="XennetInstance"/> per device/vif/N. Register it with the
/// guest's <see cref="XenbusBus"/> (isBackend: false) before starting the
/// bus. It takes the bus so it can free a device whose backend reached
/// Closed, which NetBSD's xenbus_probe does for every driver.
/// </summary>
public sealed class XennetDriver(XenbusBus bus) : IXenbusDriver
{
    private readonly Dictionary<string, XennetInstance> _instances = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public string DeviceType => "vif";

    /// <summary>The attached interfaces' drivers.</summary>
    public IReadOnlyCollection<XennetInstance> Instances => _instances.Values;

    /// <summary>The instance for xennet&lt;N&gt;, if attached.</summary>
    public XennetInstance? Find(string name) => _instances.Values.FirstOrDefault(i => i.Name == name);

    /// <inheritdoc/>
    public async Task<bool> AttachAsync(XenbusDevice device)
    {
        string id = device.NodeName[(device.NodeName.LastIndexOf('/') + 1)..];
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out int unit))
        {
            device.Kernel.Log($"xennet: {device.NodeName}: not a device id");
            return false;
        }

        var instance = new XennetInstance(device, unit);
        if (!await instance.AttachAsync())
        {
            return false;
        }

        _instances[device.NodeName] = instance;
        return true;
    }

    /// <inheritdoc/>
    public async Task OtherEndChangedAsync(XenbusDevice device, XenbusState state)
    {
        if (!_instances.TryGetValue(device.NodeName, out XennetInstance? instance))
        {
            return;
        }

        if (instance.Status == XennetBackendStatus.Suspended)
        {
            // A suspended guest does not run: whatever the backend does
            // meanwhile (the toolstack replaces it) is read afresh at resume.
            return;
        }

        if (state == XenbusState.Closed)
        {
            // xenbus_probe's otherend_changed: the other end's Closed detaches
            // the device (DETACH_FORCE) and frees it; the driver hook never sees it.
            await bus.FreeAsync(device);
            return;
        }

        await instance.BackendChangedAsync(state);
    }

    /// <inheritdoc/>
    public Task DetachAsync(XenbusDevice device)
    {
        if (_instances.Remove(device.NodeName, out XennetInstance? instance))
        {
            instance.Detach();
        }

        return Task.CompletedTask;
    }
}
