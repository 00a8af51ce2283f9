using XvifSim.Backend;
using XvifSim.Emulator.Domains;
using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;

namespace XvifSim.Host.Systems;

/// <summary>
/// Dom0 as the scenarios boot it: its kernel, the xenbus bus probing
/// <c>backend/</c> with the xvif driver registered, and bridge0 carrying
/// dom0's own address (the vifs join it through the hotplug script). Its IP
/// stack's periodic work (ARP retries and expiry) runs once a second on a
/// kernel timer, as NetBSD's arptimer does.
/// </summary>
internal sealed class Dom0System
{
    /// <summary>bridge0's MAC: locally administered, so it cannot clash with a guest's Xen OUI address.</summary>
    public static readonly MacAddress BridgeMac = new(0x0200_0000_0001);

    /// <summary>bridge0's address table and dom0's ARP cache: every guest's MAC with room for re-attached vifs.</summary>
    public const int MaxBridgeAddresses = 2 * SimulatedXen.MaxGuests;

    private volatile bool _booted;

    /// <param name="domain">Dom0 as the machine made it.</param>
    /// <param name="address">bridge0's address in dom0.</param>
    /// <param name="xvifOptions">The stock backend's settings.</param>
    /// <param name="backendFor">The backend chosen for a vif (by its device); null runs xvif for every vif.</param>
    public Dom0System(Domain domain, IPv4Address address, XvifOptions xvifOptions, Func<XenbusDevice, VifDriver>? backendFor = null)
    {
        Kernel = new GuestKernel(domain.Hypercalls, "dom0");
        Store = new XenbusClient(Kernel);
        Bus = new XenbusBus(Kernel, Store, isBackend: true);
        Xvif = new XvifDriver(Kernel, Bus, xvifOptions);
        Bus.Register(new VifDriverRouter(Kernel, Bus, Xvif, backendFor ?? (_ => VifDriver.Xvif)));
        Func<ulong> clock = () => Kernel.Hypercalls.Vcpu.SystemTimeNs;
        // As an administrator of a host with many guests runs `brconfig bridge0
        // maxaddr N`: NetBSD's default brt_max of 100 would leave most of
        // SimulatedXen.MaxGuests guests unlearnt, and every frame to one of them
        // flooded to every port. dom0's ARP table is likewise sized for every
        // guest (NetBSD's is not a fixed table at all).
        Bridge = new Bridge("bridge0", BridgeMac, clock, Kernel.Packets, MaxBridgeAddresses);
        Ip = new IpStack(Bridge.Local, address, SimulatedXen.Bridge0PrefixLength, clock, MaxBridgeAddresses);
        Bridge.Local.IsUp = true;
        Kernel.Interfaces.Attach(Bridge.Local);

        // if_detach takes an interface out of any bridge (NetBSD's bridge_ifdetach).
        Kernel.Interfaces.Changed += (iface, attached) =>
        {
            if (!attached && Bridge.Members.Contains(iface))
            {
                Bridge.RemoveMember(iface);
            }
        };
    }

    public GuestKernel Kernel { get; }

    public XenbusClient Store { get; }

    public XenbusBus Bus { get; }

    public XvifDriver Xvif { get; }

    public Bridge Bridge { get; }

    public IpStack Ip { get; }

    public bool Booted => _booted;

    /// <summary>Starts the bus (on dom0's vCPU) and the once-a-second IP timer.</summary>
    public void Boot() => Kernel.Run(async () =>
    {
        PollEverySecond(Kernel, Ip);
        await Bus.StartAsync();
        _booted = true;
    });

    /// <summary>arptimer: run the stack's periodic work every second.</summary>
    internal static void PollEverySecond(GuestKernel kernel, IpStack ip)
    {
        Guest.Timers.GuestTimer? timer = null;
        timer = kernel.Timers.Create(() =>
        {
            ip.Poll();
            timer!.Start(TimeSpan.FromSeconds(1));
        });
        timer.Start(TimeSpan.FromSeconds(1));
    }
}
