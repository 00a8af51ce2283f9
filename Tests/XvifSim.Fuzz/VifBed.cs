using System.Globalization;
using XvifSim.Backend;
using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;
using XvifSim.Host.Toolstack;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;

namespace XvifSim.Fuzz;

/// <summary>
/// Dom0 running the real xvif driver under its xenbus bus, and guest1 whose
/// vif 0 is connected by a frontend made of bare ring pages: the TX ring is
/// the guest's to fill with anything, and <see cref="DataPages"/> pages are
/// granted read-only to dom0 for the requests to point at. The toolstack's
/// keys are written as libxl does; the frontend's keys are written by the
/// privileged host client, since only their values matter to the backend.
/// </summary>
internal sealed class VifBed : IDisposable
{
    public const int DataPages = 8;
    private static readonly TimeSpan SetupLimit = TimeSpan.FromSeconds(10);
    private readonly XsHostClient _store;

    public VifBed()
    {
        Machine = new Machine(new DeterministicScheduler(1));
        _store = new XsHostClient(Machine.XenStore.Core);
        DomainDirectories.WriteDom0(_store);
        var dom0 = new GuestKernel(Machine.Dom0.Hypercalls, "dom0");
        var bus = new XenbusBus(dom0, new XenbusClient(dom0), isBackend: true);
        var driver = new XvifDriver(dom0, bus);
        bus.Register(driver);
        Task<Errno>? started = null;
        dom0.Run(() => started = bus.StartAsync());
        Require(Machine.Scheduler.RunUntil(() => started is { IsCompleted: true }, SetupLimit), "dom0's xenbus did not start");

        Domain guest = Machine.CreateDomain(new DomainConfig("guest1"));
        GuestId = guest.Id;
        DomainDirectories.WriteGuest(_store, guest.Id, "guest1");
        Guest = new GuestKernel(guest.Hypercalls, "guest1");
        string d = guest.Id.Value.ToString(CultureInfo.InvariantCulture);
        string fe = $"/local/domain/{d}/device/vif/0", be = $"/local/domain/0/backend/vif/{d}/0";
        Write(fe, ("backend", be), ("backend-id", "0"), ("state", "1"), ("handle", "0"), ("mac", "00:16:3e:12:34:56"), ("mtu", "1500"));
        Write(be, ("frontend", fe), ("frontend-id", d), ("online", "1"), ("script", "/etc/xen/scripts/vif-bridge"),
            ("bridge", "bridge0"), ("handle", "0"), ("hotplug-status", ""), ("mac", "00:16:3e:12:34:56"), ("state", "1"));
        Require(Machine.Scheduler.RunUntil(() => Read($"{be}/state") == "2", SetupLimit), "the backend did not reach InitWait");

        GrantRef txRef = default, rxRef = default;
        var data = new List<(Gfn, GrantRef)>();
        OnGuest(() =>
        {
            Gfn txPage = Guest.Pages.Allocate(), rxPage = Guest.Pages.Allocate();
            SharedRing.Init(Guest.Hypercalls.Memory.Page(txPage));
            SharedRing.Init(Guest.Hypercalls.Memory.Page(rxPage));
            Tx = new FrontRing(Guest.Hypercalls.Memory.PageMemory(txPage), NetifTxRequest.Size);
            txRef = Grant(txPage, readOnly: false);
            rxRef = Grant(rxPage, readOnly: false);
            for (int i = 0; i < DataPages; i++)
            {
                Gfn page = Guest.Pages.Allocate();
                data.Add((page, Grant(page, readOnly: true)));
            }

            var alloc = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = DomId.Dom0 };
            Require(Guest.Hypercalls.EventChannel.AllocUnbound(ref alloc) == Errno.Ok, "no event channel for the vif");
            Port = alloc.Port;
        });
        Data = [.. data.Select(p => (Guest.Hypercalls.Memory.PageMemory(p.Item1), p.Item2))];
        Write(fe, ("tx-ring-ref", Decimal(txRef.Value)), ("rx-ring-ref", Decimal(rxRef.Value)), ("event-channel", Decimal(Port.Value)),
            ("request-rx-copy", "1"), ("feature-rx-notify", "1"), ("state", "4"));
        Require(Machine.Scheduler.RunUntil(() => Read($"{be}/state") == "4", SetupLimit), "the backend did not connect");

        Vif = driver.Instances.Single();
        Vif.Interface.IsUp = true;
        Vif.Interface.Receiver = (_, _) => FramesUp++;
    }

    public Machine Machine { get; }

    public DomId GuestId { get; }

    public GuestKernel Guest { get; }

    public XvifInstance Vif { get; }

    public FrontRing Tx { get; private set; } = null!;

    public EvtchnPort Port { get; private set; }

    /// <summary>The data pages (the guest's bytes) and their read-only grants to dom0.</summary>
    public IReadOnlyList<(Memory<byte> Page, GrantRef Gref)> Data { get; }

    /// <summary>Frames the vif handed up to dom0's stack.</summary>
    public long FramesUp { get; private set; }

    public void Dispose()
    {
        _store.Dispose();
        Machine.Dispose();
    }

    private GrantRef Grant(Gfn page, bool readOnly)
    {
        Require(Guest.Grants.TryGrantForeignAccess(DomId.Dom0, page, readOnly, out GrantRef gref), "the guest's grant table is full");
        return gref;
    }

    private void OnGuest(Action work)
    {
        bool done = false;
        Guest.Run(() =>
        {
            work();
            done = true;
        });
        Require(Machine.Scheduler.RunUntil(() => done, SetupLimit), "work on the guest's vCPU did not run");
    }

    private void Write(string dir, params (string Key, string Value)[] keys)
    {
        foreach ((string key, string value) in keys)
        {
            Require(_store.Write($"{dir}/{key}", value) == Errno.Ok, $"writing {dir}/{key}");
        }
    }

    private string? Read(string path) => _store.Read(path, out string value) == Errno.Ok ? value : null;

    private static string Decimal(uint value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Require(bool holds, string what)
    {
        if (!holds)
        {
            throw new InvalidOperationException($"fuzz bed: {what}");
        }
    }
}
