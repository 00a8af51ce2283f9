using XvifSim.Guest.Xenbus;
using XvifSim.Public.Xenbus;

namespace XvifSim.Tests.Host.TestKit;

/// <summary>A user's backend that wraps another (the stock xvif here) and counts what the bus hands it.</summary>
internal sealed class CountingBackend(IXenbusDriver inner) : IXenbusDriver
{
    public string DeviceType => inner.DeviceType;

    public int Attaches { get; private set; }

    public List<XenbusState> States { get; } = [];

    public Task<bool> AttachAsync(XenbusDevice device)
    {
        Attaches++;
        return inner.AttachAsync(device);
    }

    public Task OtherEndChangedAsync(XenbusDevice device, XenbusState state)
    {
        States.Add(state);
        return inner.OtherEndChangedAsync(device, state);
    }

    public Task DetachAsync(XenbusDevice device) => inner.DetachAsync(device);
}
