using XvifSim.Guest;
using XvifSim.Guest.Xenbus;
using XvifSim.Public.Xenbus;

namespace XvifSim.Backend;

/// <summary>
/// The xvif backend driver of dom0 (NetBSD's xennetback_xenbus.c, rev 1.125),
/// registered with dom0's <see cref="XenbusBus"/> for the "vif" class: one
/// <see cref="XvifInstance"/> per <c>backend/vif/&lt;domid&gt;/&lt;handle&gt;</c>.
/// <para>
/// Supports: create at state 1 (name xvif&lt;D&gt;i&lt;H&gt;, MAC rule, the
/// handshake keys, InitWait), connect on the frontend's Connected, grant-copy
/// TX and RX with scatter-gather, checksum flags, Closing and Closed.
/// Does not support (as NetBSD rev 1.125): rx-flip, GSO/TSO, multicast
/// control, split event channels, multi-queue, the ctrl ring, rate limits.
/// </para>
/// <para>
/// Unlike NetBSD, a failed create leaves no stale record behind (NetBSD's
/// fail path frees the instance without unlinking it, so its retry returns
/// EEXIST): the instance is only recorded once it is made, so the bus's retry
/// on the next <c>backend</c> change succeeds once the toolstack fixes the key.
/// That retry runs on every change under <c>backend</c>, so a create that
/// fails again for the same reason does not log it again: each reason is
/// logged once per node until the create succeeds or the node goes.
/// </para>
/// </summary>
public sealed class XvifDriver : IXenbusDriver
{
    private readonly GuestKernel _kernel;
    private readonly XenbusBus _bus;
    private readonly Dictionary<string, XvifInstance> _instances = new(StringComparer.Ordinal);

    /// <summary>Per backend node whose create failed, the reason last logged.</summary>
    private readonly Dictionary<string, string> _lastFailure = new(StringComparer.Ordinal);

    /// <summary>Dom0 makes one and registers it: <c>bus.Register(new XvifDriver(dom0, bus, options))</c>.</summary>
    public XvifDriver(GuestKernel kernel, XenbusBus bus, XvifOptions? options = null)
    {
        _kernel = kernel;
        _bus = bus;
        Options = options ?? new XvifOptions();
    }

    /// <inheritdoc/>
    public string DeviceType => "vif";

    /// <summary>The settings every instance of this driver takes.</summary>
    public XvifOptions Options { get; }

    /// <summary>The vifs made so far and not yet detached.</summary>
    public IReadOnlyCollection<XvifInstance> Instances => _instances.Values;

    /// <inheritdoc/>
    public async Task<bool> AttachAsync(XenbusDevice device)
    {
        string node = device.NodeName;
        XvifInstance? vif = await XvifInstance.CreateAsync(_kernel, device, Options, IsAttached, message =>
        {
            if (!_lastFailure.TryGetValue(node, out string? last) || last != message)
            {
                _lastFailure[node] = message;
                _kernel.Log(message);
            }
        });
        if (vif is null)
        {
            return false;
        }

        _lastFailure.Remove(node);
        _instances[node] = vif;
        return true;
    }

    /// <inheritdoc/>
    public async Task OtherEndChangedAsync(XenbusDevice device, XenbusState state)
    {
        if (!_instances.TryGetValue(device.NodeName, out XvifInstance? vif))
        {
            return;
        }

        if (state == XenbusState.Closed)
        {
            // NetBSD: the generic xenbus code runs the detach hook on Closed,
            // then switches the node to Closed and frees the device.
            await _bus.FreeAsync(device);
            return;
        }

        await vif.OtherEndChangedAsync(state);
    }

    /// <inheritdoc/>
    public Task DetachAsync(XenbusDevice device)
    {
        _lastFailure.Remove(device.NodeName);
        if (_instances.Remove(device.NodeName, out XvifInstance? vif))
        {
            vif.Detach();
        }

        return Task.CompletedTask;
    }

    /// <summary>NetBSD's lookup of (domid, handle) in its list before it links a new instance.</summary>
    private bool IsAttached(XvifSim.Public.DomId domid, ulong handle) =>
        _instances.Values.Any(v => v.FrontendId == domid && v.Handle == handle);
}
