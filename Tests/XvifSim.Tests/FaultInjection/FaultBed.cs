using XvifSim.Emulator;
using XvifSim.Guest.Net;
using XvifSim.Host.Faults;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Tests.FaultInjection;

/// <summary>A simulated host with a fault plan, and the steps the fault tests take on it.</summary>
internal sealed class FaultBed : IDisposable
{
    public FaultBed(params string[] specs)
        : this(threaded: false, specs)
    {
    }

    public FaultBed(bool threaded, params string[] specs)
    {
        Xen = new SimulatedXen(new ScenarioOptions(Seed: 1, Threaded: threaded) { Faults = FaultPlan.Parse(specs) }, "faults");
    }

    public SimulatedXen Xen { get; }

    public FaultInjector Injector => Xen.Faults!;

    /// <summary>The plan's one spec (the tests give one unless they say otherwise).</summary>
    public FaultSpec Spec => Injector.Plan.Specs[0];

    public GuestSystem StartGuest(string name, int number) =>
        Xen.StartGuest(
            new GuestConfig(name) { Vifs = [new VifSpec { Mac = $"00:16:3e:00:0{number}:01" }] },
            IPv4Address.Parse($"10.0.0.{number + 1}"));

    public bool WaitConnected(GuestSystem guest) => Xen.WaitConnected(guest, TimeSpan.FromSeconds(10));

    /// <summary>Pings dom0 <paramref name="count"/> times from <paramref name="guest"/>; the replies received.</summary>
    public int PingDom0(GuestSystem guest, int count = 3, TextWriter? output = null) =>
        PingExchange.Run(Xen.Machine.Scheduler, guest.Kernel, guest.Ip!, SimulatedXen.Dom0Address, count, 0x4654, output ?? TextWriter.Null);

    public IReadOnlyList<string> Log(GuestSystem guest) => Xen.Machine.Console.LinesOf(guest.Kernel.DomId);

    public IReadOnlyList<string> Dom0Log => Xen.Machine.Console.LinesOf(Xen.Machine.Dom0.Id);

    public NetworkInterface Dom0Interface(string name) => Xen.Dom0.Kernel.Interfaces.Find(name)!;

    public void Dispose() => Xen.Dispose();
}
