using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Frontend;
using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;
using XvifSim.Host.Toolstack;
using XvifSim.Public;

namespace XvifSim.Tests.Frontend;

/// <summary>
/// A machine with dom0 and one guest: libxl's keys for vif 0, a guest
/// kernel whose xenbus runs the xennet driver, and a hand-played backend.
/// <see cref="Connect"/> takes both ends to Connected.
/// </summary>
internal sealed class XennetTestBed : IDisposable
{
    public const string MacText = "00:16:3E:0A:0B:0C";

    private readonly List<byte[]> _received = [];

    /// <param name="offerAtStart">
    /// False: the backend writes neither its features nor InitWait until the
    /// test calls <see cref="TestBackend.Offer"/>, as a backend network-attached
    /// to a running guest does after the frontend has attached.
    /// </param>
    public XennetTestBed(bool sg = true, int seed = 1, string mac = MacText, bool offerAtStart = true)
    {
        Machine = new Machine(new DeterministicScheduler(seed));
        GuestDomain = Machine.CreateDomain(new DomainConfig("guest1"));
        Store = new XsHostClient(Machine.XenStore.Core);
        DomId guest = GuestDomain.Id;
        DomainDirectories.WriteDom0(Store);
        DomainDirectories.WriteGuest(Store, guest, "guest1");

        FrontendDir = $"/local/domain/{guest.Value}/device/vif/0";
        string backendDir = $"/local/domain/0/backend/vif/{guest.Value}/0";
        // As libxl does: each directory made and given its permissions
        // first, so the keys written into it inherit them.
        Check(Store.Mkdir(backendDir));
        Check(Store.SetPerms(backendDir, "n0", $"r{guest.Value}"));
        Check(Store.Mkdir(FrontendDir));
        Check(Store.SetPerms(FrontendDir, $"n{guest.Value}", "r0"));
        WriteAll(FrontendDir, [("backend", backendDir), ("backend-id", "0"), ("state", "1"), ("handle", "0"), ("mac", mac)]);
        WriteAll(backendDir, [("frontend", FrontendDir), ("frontend-id", $"{guest.Value}"), ("online", "1"), ("state", "1"), ("mac", mac), ("handle", "0")]);

        Dom0 = new GuestKernel(Machine.Dom0.Hypercalls, "dom0");
        Guest = new GuestKernel(GuestDomain.Hypercalls, "guest1");
        Backend = new TestBackend(Dom0, Store, guest, backendDir, FrontendDir);
        if (offerAtStart)
        {
            Backend.Offer(sg);
        }
    }

    public Machine Machine { get; }

    public Domain GuestDomain { get; }

    public XsHostClient Store { get; }

    public GuestKernel Dom0 { get; }

    public GuestKernel Guest { get; }

    public TestBackend Backend { get; }

    public string FrontendDir { get; }

    public XenbusBus? Bus { get; private set; }

    public XennetDriver? Driver { get; private set; }

    public XennetInstance Instance => Driver!.Instances.Single();

    public NetworkInterface Interface => Instance.Interface!;

    /// <summary>Frames the guest's stack received on xennet0, copied.</summary>
    public IReadOnlyList<byte[]> Received => _received;

    public IReadOnlyList<string> GuestLog => Machine.Console.LinesOf(GuestDomain.Id);

    /// <summary>Every console line so far, for failure messages.</summary>
    public string ConsoleText => string.Join("\n", Machine.Console.Lines.Select(l => $"{l.DomainName} {l.Text}"));

    public string? FrontendState => Backend.FrontendKey("state");

    /// <summary>Boots the guest's xenbus with the driver; returns once the frontend is Initialised.</summary>
    public void StartGuest()
    {
        Boot();
        Assert.That(RunUntil(() => Driver is not null && FrontendState is "3" or "4"), Is.True, () => $"frontend reaches Initialised (state {FrontendState}):\n{ConsoleText}");
    }

    /// <summary>Queues the guest's xenbus start (client, bus, driver) on its vCPU without running it.</summary>
    public void Boot() => Guest.Run(() =>
    {
        var store = new XenbusClient(Guest);
        Bus = new XenbusBus(Guest, store, isBackend: false);
        var driver = new XennetDriver(Bus);
        Bus.Register(driver);
        _ = Bus.StartAsync();
        Driver = driver;
    });

    /// <summary>Both ends Connected, the interface UP and RUNNING, received frames recorded.</summary>
    public void Connect()
    {
        StartGuest();
        Assert.That(RunUntil(() => FrontendState == "4"), Is.True, () => $"frontend reaches Connected (state {FrontendState}):\n{ConsoleText}");
        Backend.Connect();
        Settle();
        OnGuest(() =>
        {
            Interface.IsUp = true;
            Interface.Receiver = (_, frame) => _received.Add(frame.ToArray());
        });
        Assert.That(Interface.IsRunning, Is.True);
    }

    /// <summary>Runs <paramref name="work"/> on the guest's vCPU, then lets everything settle.</summary>
    public void OnGuest(Action work)
    {
        Guest.Run(work);
        Settle();
    }

    public bool Send(byte[] frame, bool checksumBlank = false)
    {
        bool sent = false;
        OnGuest(() => sent = Interface.Send(frame, checksumBlank));
        return sent;
    }

    /// <summary>Runs until nothing is left to do.</summary>
    public void Settle() => RunUntil(() => false);

    public bool RunUntil(Func<bool> condition) => Machine.Scheduler.RunUntil(condition, TimeSpan.FromSeconds(5));

    /// <summary>Backend Closing → frontend Closed → backend unmaps and closes → backend Closed → frontend detaches.</summary>
    public void CloseBoth()
    {
        Backend.SetState(5);
        Assert.That(RunUntil(() => FrontendState == "6"), Is.True, "frontend answers Closing with Closed");
        Backend.Disconnect();
        Backend.SetState(6);
        Assert.That(RunUntil(() => Driver!.Instances.Count == 0), Is.True, "the driver detaches on the backend's Closed");
        Settle();
    }

    public static byte[] Frame(int length, byte seed = 1)
    {
        var frame = new byte[length];
        for (int i = 0; i < length; i++)
        {
            frame[i] = (byte)(seed + i * 7 + (i >> 8));
        }

        return frame;
    }

    public void Dispose()
    {
        Store.Dispose();
        Machine.Dispose();
    }

    private void WriteAll(string dir, (string Key, string Value)[] keys)
    {
        foreach ((string key, string value) in keys)
        {
            Check(Store.Write($"{dir}/{key}", value));
        }
    }

    private static void Check(Errno error) => Assert.That(error, Is.EqualTo(Errno.Ok));
}
