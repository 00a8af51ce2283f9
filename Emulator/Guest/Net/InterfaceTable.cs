namespace XvifSim.Guest.Net;

/// <summary>
/// A domain's interfaces by name (NetBSD's ifnet list): drivers attach and
/// detach theirs (if_attach / if_detach); ifconfig-like callers and hotplug
/// scripts find them by name.
/// </summary>
public sealed class InterfaceTable
{
    private readonly Dictionary<string, NetworkInterface> _byName = new(StringComparer.Ordinal);

    /// <summary>Raised after an interface is attached or detached.</summary>
    public event Action<NetworkInterface, bool>? Changed;

    /// <summary>The attached interfaces.</summary>
    public IReadOnlyCollection<NetworkInterface> All => _byName.Values;

    /// <summary>if_attach. False if the name is taken.</summary>
    public bool Attach(NetworkInterface iface)
    {
        if (!_byName.TryAdd(iface.Name, iface))
        {
            return false;
        }

        Changed?.Invoke(iface, true);
        return true;
    }

    /// <summary>if_detach: the interface leaves the table (and, through <see cref="Changed"/>, any bridge).</summary>
    public void Detach(NetworkInterface iface)
    {
        if (_byName.TryGetValue(iface.Name, out NetworkInterface? current) && ReferenceEquals(current, iface))
        {
            _byName.Remove(iface.Name);
            iface.IsRunning = false;
            Changed?.Invoke(iface, false);
        }
    }

    /// <summary>The interface named <paramref name="name"/>, or null (ifunit).</summary>
    public NetworkInterface? Find(string name) => _byName.GetValueOrDefault(name);
}
