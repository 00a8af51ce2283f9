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
using XvifSim.Public.Trace;

namespace XvifSim.Tests.Backend;

/// <summary>
/// Dom0 with its xenbus bus and the xvif driver registered, on a real
/// Machine; guests get their own kernels and store clients; the toolstack's
/// part (libxl's keys) is written with the privileged host client.
/// </summary>
internal sealed class XvifHarness : IDisposable
{
    public const string GuestMac = "00:16:3e:12:34:56";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <param name="dom0Hypercalls">Wraps dom0's hypercall facade before its kernel gets it (the hostile tests interpose on grant copies).</param>
    /// <param name="trace">The machine's trace sink, if the test reads the protocol records.</param>
    public XvifHarness(bool threaded = false, int seed = 1, XvifOptions? options = null, Func<IHypercalls, IHypercalls>? dom0Hypercalls = null, ITraceSink? trace = null)
    {
        Machine = new Machine(threaded ? new ThreadedScheduler() : new DeterministicScheduler(seed), new MachineOptions { Trace = trace });
        Store = new XsHostClient(Machine.XenStore.Core);
        DomainDirectories.WriteDom0(Store);
        IHypercalls dom0Calls = Machine.Dom0.Hypercalls;
        Dom0 = new GuestKernel(dom0Hypercalls is null ? dom0Calls : dom0Hypercalls(dom0Calls), "dom0");
        Dom0Store = new XenbusClient(Dom0);
        Bus = new XenbusBus(Dom0, Dom0Store, isBackend: true);
        Driver = new XvifDriver(Dom0, Bus, options);
        Bus.Register(Driver);
        Task<Errno>? started = null;
        Dom0.Run(() => started = Bus.StartAsync());
        Assert.That(RunUntil(() => started is { IsCompleted: true }), "dom0's bus did not start");
    }

    public Machine Machine { get; }

    public XsHostClient Store { get; }

    public GuestKernel Dom0 { get; }

    public XenbusClient Dom0Store { get; }

    public XenbusBus Bus { get; }

    public XvifDriver Driver { get; }

    public IReadOnlyList<string> Dom0Log => Machine.Console.LinesOf(DomId.Dom0);

    public static string BackendDir(DomId domid, int handle) => $"/local/domain/0/backend/vif/{domid.Value}/{handle}";

    public static string FrontendDir(DomId domid, int handle) => $"/local/domain/{domid.Value}/device/vif/{handle}";

    /// <summary>A guest domain with its kernel and store client, and its home laid out as the toolstack does.</summary>
    public (Domain Domain, GuestKernel Kernel, XenbusClient Store) AddGuest(string name)
    {
        Domain domain = Machine.CreateDomain(new DomainConfig(name));
        DomainDirectories.WriteGuest(Store, domain.Id, name);
        var kernel = new GuestKernel(domain.Hypercalls, name);
        return (domain, kernel, new XenbusClient(kernel));
    }

    /// <summary>libxl's keys for a vif: frontend directory first, then the backend's with <c>state</c> last (its appearance at 1 makes the backend).</summary>
    public void WriteVif(DomId domid, int handle, string? mac = GuestMac, bool backendState = true)
    {
        string fe = FrontendDir(domid, handle), be = BackendDir(domid, handle);
        string d = domid.Value.ToString(CultureInfo.InvariantCulture), h = handle.ToString(CultureInfo.InvariantCulture);
        Write(fe, null, [$"n{d}", "r0"]);
        foreach ((string key, string value) in new[] { ("backend", be), ("backend-id", "0"), ("state", "1"), ("handle", h), ("mac", mac ?? GuestMac), ("mtu", "1500") })
        {
            Write($"{fe}/{key}", value, [$"n{d}", "r0"]);
        }

        Write(be, null, ["n0", $"r{d}"]);
        var keys = new List<(string, string)>
        {
            ("frontend", fe), ("frontend-id", d), ("online", "1"), ("script", "/etc/xen/scripts/vif-bridge"),
            ("bridge", "bridge0"), ("handle", h), ("hotplug-status", ""),
        };
        if (mac is not null)
        {
            keys.Add(("mac", mac));
        }

        if (backendState)
        {
            keys.Add(("state", "1"));
        }

        foreach ((string key, string value) in keys)
        {
            Write($"{be}/{key}", value, ["n0", $"r{d}"]);
        }
    }

    public void Write(string path, string? value, string[] perms)
    {
        Assert.That(value is null ? Store.Mkdir(path) : Store.Write(path, value), Is.EqualTo(Errno.Ok), path);
        Assert.That(Store.SetPerms(path, perms), Is.EqualTo(Errno.Ok), path);
    }

    /// <summary>The value at <paramref name="path"/>, or null if it cannot be read.</summary>
    public string? Read(string path) => Store.Read(path, out string value) == Errno.Ok ? value : null;

    public bool RunUntil(Func<bool> condition) => Machine.Scheduler.RunUntil(condition, Limit);

    public void RunFor(TimeSpan span) => Machine.Scheduler.RunFor(span);

    /// <summary>Runs <paramref name="work"/> on <paramref name="kernel"/>'s vCPU and waits for it.</summary>
    public T On<T>(GuestKernel kernel, Func<T> work)
    {
        T result = default!;
        int done = 0;
        kernel.Run(() =>
        {
            result = work();
            Volatile.Write(ref done, 1);
        });
        Assert.That(RunUntil(() => Volatile.Read(ref done) == 1), $"work on {kernel.Name} did not run");
        return result;
    }

    public void On(GuestKernel kernel, Action work) => On(kernel, () =>
    {
        work();
        return 0;
    });

    /// <summary>Runs an async <paramref name="work"/> on the vCPU and waits until it completes.</summary>
    public void OnAsync(GuestKernel kernel, Func<Task> work)
    {
        Task? task = null;
        kernel.Run(() => task = work());
        Assert.That(RunUntil(() => task is { IsCompleted: true }), $"async work on {kernel.Name} did not finish");
        task!.GetAwaiter().GetResult();
    }

    /// <summary>Waits for a dom0 log line and says whether it came.</summary>
    public bool WaitForLog(string line) => RunUntil(() => Dom0Log.Contains(line));

    /// <summary>Dom0's interface named <paramref name="name"/> (looked up on dom0's vCPU).</summary>
    public NetworkInterface? Interface(string name) => On(Dom0, () => Dom0.Interfaces.Find(name));

    /// <summary>Waits until the backend's state key reads <paramref name="state"/>.</summary>
    public bool WaitForBackendState(DomId domid, int handle, int state) =>
        RunUntil(() => Read($"{BackendDir(domid, handle)}/state") == state.ToString(CultureInfo.InvariantCulture));

    public void Dispose()
    {
        Store.Dispose();
        Machine.Dispose();
    }
}
