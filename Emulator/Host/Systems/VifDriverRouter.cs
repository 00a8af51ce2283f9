using XvifSim.Guest;
using XvifSim.Guest.Xenbus;
using XvifSim.Public.Xenbus;

namespace XvifSim.Host.Systems;

/// <summary>
/// The "vif" driver a domain's xenbus bus sees: it hands each device to the
/// driver chosen for it (the stock one, or a <see cref="VifDriver.Custom"/>
/// made once per domain on first use) and sends that device's later events
/// to the same driver. A kernel has one driver per device class; the router
/// lets a test choose per vif instead. Runs on the domain's vCPU.
/// </summary>
internal sealed class VifDriverRouter(GuestKernel kernel, XenbusBus bus, IXenbusDriver stock, Func<XenbusDevice, VifDriver> choose) : IXenbusDriver
{
    private readonly Dictionary<VifDriver, IXenbusDriver> _made = [];
    private readonly Dictionary<string, IXenbusDriver> _byNode = new(StringComparer.Ordinal);

    public string DeviceType => "vif";

    public async Task<bool> AttachAsync(XenbusDevice device)
    {
        VifDriver chosen = choose(device);
        IXenbusDriver driver = chosen.IsStock ? stock : Made(chosen);
        if (!await driver.AttachAsync(device))
        {
            return false;
        }

        _byNode[device.NodeName] = driver;
        return true;
    }

    public Task OtherEndChangedAsync(XenbusDevice device, XenbusState state) =>
        _byNode.TryGetValue(device.NodeName, out IXenbusDriver? driver) ? driver.OtherEndChangedAsync(device, state) : Task.CompletedTask;

    public Task DetachAsync(XenbusDevice device) =>
        _byNode.Remove(device.NodeName, out IXenbusDriver? driver) ? driver.DetachAsync(device) : Task.CompletedTask;

    private IXenbusDriver Made(VifDriver chosen)
    {
        if (!_made.TryGetValue(chosen, out IXenbusDriver? driver))
        {
            driver = chosen.Create(kernel, bus);
            _made[chosen] = driver;
        }

        return driver;
    }
}
