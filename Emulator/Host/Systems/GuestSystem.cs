using XvifSim.Emulator.Domains;
using XvifSim.Frontend;
using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;

namespace XvifSim.Host.Systems;

/// <summary>
/// A guest as the scenarios boot it: its kernel and the xenbus bus probing
/// <c>device/</c> with each vif's chosen frontend registered (xennet unless
/// <see cref="GuestOptions"/> says otherwise). When the configured interface
/// (xennet0) attaches, the guest configures it as its rc.conf would: an
/// address and UP; when it detaches (network-detach), the address goes with it.
/// </summary>
internal sealed class GuestSystem
{
    private volatile bool _booted;

    public GuestSystem(Domain domain, IPv4Address address, GuestOptions? options = null)
    {
        options ??= new GuestOptions();
        Name = domain.Name;
        Address = address;
        InterfaceName = options.Interface;
        Kernel = new GuestKernel(domain.Hypercalls, domain.Name);
        Store = new XenbusClient(Kernel);
        Bus = new XenbusBus(Kernel, Store, isBackend: false);
        Xennet = new XennetDriver(Bus);
        Bus.Register(new VifDriverRouter(Kernel, Bus, Xennet, device => options.FrontendFor(FrontendHandle(device))));
        Kernel.Interfaces.Changed += (iface, attached) =>
        {
            if (iface.Name != InterfaceName)
            {
                return;
            }

            if (!attached)
            {
                // network-detach: the address goes with the interface, so the guest has no route until xennet0 is back.
                Ip = null;
                return;
            }

            Ip = new IpStack(iface, Address, SimulatedXen.Bridge0PrefixLength, () => Kernel.Hypercalls.Vcpu.SystemTimeNs);
            iface.IsUp = true;
        };
    }

    public string Name { get; }

    /// <summary>The interface configured with <see cref="Address"/> (xennet0 for the stock frontend).</summary>
    public string InterfaceName { get; }

    public IPv4Address Address { get; }

    public GuestKernel Kernel { get; }

    public XenbusClient Store { get; }

    public XenbusBus Bus { get; }

    /// <summary>The xennet driver: its instances carry the driver's statistics, suspend/resume and fault injection.</summary>
    public XennetDriver Xennet { get; }

    /// <summary>The IP stack on xennet0 while it is attached.</summary>
    public IpStack? Ip { get; private set; }

    public NetworkInterface? Xennet0 => Kernel.Interfaces.Find(InterfaceName);

    public bool Booted => _booted;

    /// <summary>
    /// arptimer, as dom0's: the stack's periodic work every second. One timer
    /// from boot for the guest's life, polling whichever stack xennet0 has at
    /// the time (network-attach makes a new one), so what the guest holds for
    /// itself does not change with its vifs.
    /// </summary>
    private void PollEverySecond()
    {
        Guest.Timers.GuestTimer? timer = null;
        timer = Kernel.Timers.Create(() =>
        {
            Ip?.Poll();
            timer!.Start(TimeSpan.FromSeconds(1));
        });
        timer.Start(TimeSpan.FromSeconds(1));
    }

    /// <summary>A frontend's node is device/vif/&lt;handle&gt; (libxl's frontend path).</summary>
    private static int FrontendHandle(XenbusDevice device) =>
        int.TryParse(device.NodeName.AsSpan(device.NodeName.LastIndexOf('/') + 1), out int handle) ? handle : -1;

    public void Boot() => Kernel.Run(async () =>
    {
        PollEverySecond();
        await Bus.StartAsync();
        _booted = true;
    });
}
