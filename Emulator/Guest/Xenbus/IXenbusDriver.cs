using XvifSim.Public.Xenbus;

namespace XvifSim.Guest.Xenbus;

/// <summary>
/// A split-device driver registered with the <see cref="XenbusBus"/>: the bus
/// finds devices of <see cref="DeviceType"/> in XenStore and hands them over.
/// </summary>
public interface IXenbusDriver
{
    /// <summary>The device class it drives ("vif").</summary>
    string DeviceType { get; }

    /// <summary>
    /// Attaches to a new device. False if it could not; nothing is kept and
    /// the bus tries again on the next change under the watched subtree
    /// (NetBSD: "the record is freed ... retried on the next backend event").
    /// </summary>
    Task<bool> AttachAsync(XenbusDevice device);

    /// <summary>The other end's state changed (read from its <c>state</c> key; unreadable counts as Closed).</summary>
    Task OtherEndChangedAsync(XenbusDevice device, XenbusState state);

    /// <summary>Detaches: the device's node went away, or the driver asked the bus to free it.</summary>
    Task DetachAsync(XenbusDevice device);
}
