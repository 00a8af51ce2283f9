using XvifSim.Guest;
using XvifSim.Guest.Xenbus;

namespace XvifSim.Host;

/// <summary>
/// Which driver runs one end of a vif: the stock frontend (<see cref="Xennet"/>,
/// NetBSD's xennet(4)) or backend (<see cref="Xvif"/>, NetBSD's xvif(4)), or
/// your own implementation of <see cref="IXenbusDriver"/> made by
/// <see cref="Custom"/>. A driver is made once per domain that runs it, the
/// first time one of its vifs appears there, and is then handed every vif of
/// that domain chosen for it, as a kernel's driver is handed each device its
/// bus finds.
/// </summary>
public sealed class VifDriver
{
    private readonly Func<GuestKernel, XenbusBus, IXenbusDriver>? _create;

    private VifDriver(string name, Func<GuestKernel, XenbusBus, IXenbusDriver>? create)
    {
        Name = name;
        _create = create;
    }

    /// <summary>The stock frontend: the emulator's xennet(4).</summary>
    public static VifDriver Xennet { get; } = new("xennet", null);

    /// <summary>The stock backend: the emulator's xvif(4), in dom0.</summary>
    public static VifDriver Xvif { get; } = new("xvif", null);

    /// <summary>A name for logs and messages.</summary>
    public string Name { get; }

    /// <summary>True for <see cref="Xennet"/> and <see cref="Xvif"/>.</summary>
    public bool IsStock => _create is null;

    /// <summary>
    /// Your own driver. <paramref name="create"/> is called on the domain's
    /// vCPU with the domain's kernel (pages, grants, event channels, timers,
    /// interfaces, its log) and its xenbus bus (to free a device when the
    /// driver is done with it), and returns the driver whose
    /// <see cref="IXenbusDriver.DeviceType"/> must be "vif". Interfaces the
    /// driver attaches to <see cref="GuestKernel.Interfaces"/> are captured
    /// as the stock drivers' are.
    /// </summary>
    /// <param name="name">A name for logs and messages.</param>
    /// <param name="create">Makes the driver for one domain.</param>
    public static VifDriver Custom(string name, Func<GuestKernel, XenbusBus, IXenbusDriver> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        return new VifDriver(name, create);
    }

    /// <summary>Makes the custom driver for one domain; stock drivers are made by the host.</summary>
    internal IXenbusDriver Create(GuestKernel kernel, XenbusBus bus)
    {
        IXenbusDriver driver = (_create ?? throw new InvalidOperationException($"{Name} is a stock driver"))(kernel, bus);
        if (driver.DeviceType != "vif")
        {
            throw new InvalidOperationException($"driver {Name} drives \"{driver.DeviceType}\" devices, not \"vif\"");
        }

        return driver;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
