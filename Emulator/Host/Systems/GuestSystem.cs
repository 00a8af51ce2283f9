using XvifSim.Emulator.Domains;
using XvifSim.Frontend;
using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;

namespace XvifSim.Host.Systems;

/// <summary>
/// A guest as the scenarios boot it: its kernel and the xenbus bus probing
/// <c>device/</c> with the xennet driver registered. When xennet0 attaches,
/// the guest configures it as its rc.conf would: an address and UP.
/// </summary>
public sealed class GuestSystem
{
    private volatile bool _booted;

    public GuestSystem(Domain domain, IPv4Address address)
    {
        Name = domain.Name;
        Address = address;
        Kernel = new GuestKernel(domain.Hypercalls, domain.Name);
        Store = new XenbusClient(Kernel);
        Bus = new XenbusBus(Kernel, Store, isBackend: false);
        Xennet = new XennetDriver(Bus);
        Bus.Register(Xennet);
        Kernel.Interfaces.Changed += (iface, attached) =>
        {
            if (attached && iface.Name == "xennet0")
            {
                Ip = new IpStack(iface, Address, 24, () => Kernel.Hypercalls.Vcpu.SystemTimeNs);
                iface.IsUp = true;
                Dom0System.PollEverySecond(Kernel, Ip);
            }
        };
    }

    public string Name { get; }

    public IPv4Address Address { get; }

    public GuestKernel Kernel { get; }

    public XenbusClient Store { get; }

    public XenbusBus Bus { get; }

    /// <summary>The xennet driver on this guest's bus: its instances carry the driver's statistics.</summary>
    public XennetDriver Xennet { get; }

    /// <summary>The IP stack on xennet0, once it attached.</summary>
    public IpStack? Ip { get; private set; }

    public NetworkInterface? Xennet0 => Kernel.Interfaces.Find("xennet0");

    public bool Booted => _booted;

    public void Boot() => Kernel.Run(async () =>
    {
        await Bus.StartAsync();
        _booted = true;
    });
}
