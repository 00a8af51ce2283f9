using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;
using XvifSim.Public.Xenbus;

namespace XvifSim.Tests.Host.TestKit;

/// <summary>
/// The least a user's frontend can be: on attach it brings up an interface
/// of its own name (ufe0) whose driver takes every frame and puts it nowhere.
/// Enough to show that the host captures a user driver's interfaces.
/// </summary>
internal sealed class TapOnlyFrontend(GuestKernel kernel) : IXenbusDriver, INetDriver
{
    public string DeviceType => "vif";

    public List<string> Attached { get; } = [];

    public Task<bool> AttachAsync(XenbusDevice device)
    {
        var iface = new NetworkInterface("ufe0", new MacAddress(0x0016_3E00_0A01), this, kernel.Packets) { IsUp = true, IsRunning = true };
        kernel.Interfaces.Attach(iface);
        Attached.Add(device.NodeName);
        return Task.FromResult(true);
    }

    public Task OtherEndChangedAsync(XenbusDevice device, XenbusState state) => Task.CompletedTask;

    public Task DetachAsync(XenbusDevice device)
    {
        if (kernel.Interfaces.Find("ufe0") is { } iface)
        {
            kernel.Interfaces.Detach(iface);
        }

        return Task.CompletedTask;
    }

    public bool Output(PacketBuffer packet, bool checksumBlank)
    {
        packet.Free();
        return true;
    }
}
