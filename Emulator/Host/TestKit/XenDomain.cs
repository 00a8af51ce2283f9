using System.Runtime.ExceptionServices;
using XvifSim.Emulator.Domains;
using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Host.Systems;
using XvifSim.Public;

namespace XvifSim.Host;

/// <summary>
/// One domain of a <see cref="XenHost"/>, dom0 or a guest, as a test sees it:
/// its kernel log, interfaces and counters, XenStore as this domain, traffic
/// from its IP stack and raw frames on its interfaces. Every call that
/// touches the domain runs on its vCPU and waits for it.
/// </summary>
public sealed partial class XenDomain
{
    private readonly XenHost _host;
    private readonly Domain _domain;
    private readonly Func<IpStack?> _ip;

    internal XenDomain(XenHost host, Domain domain, GuestKernel kernel, Func<IpStack?> ip, string name)
    {
        _host = host;
        _domain = domain;
        _ip = ip;
        Kernel = kernel;
        Name = name;
        Store = new DomainStore(host, this);
    }

    /// <summary>The domain's name (dom0, or the guest's xl.cfg name).</summary>
    public string Name { get; }

    /// <summary>The domain id.</summary>
    public DomId Id => _domain.Id;

    /// <summary>
    /// The domain's kernel: pages, grants, event channels, timers, interfaces
    /// and log. Use it only on the domain's vCPU (<see cref="GuestKernel.Run"/>).
    /// </summary>
    public GuestKernel Kernel { get; }

    /// <summary>XenStore, read and written as this domain (with its permissions).</summary>
    public DomainStore Store { get; }

    /// <summary>The domain's IPv4 address (its configured interface's, for a guest).</summary>
    public IPv4Address Address => System?.Address ?? XenHost.Dom0Address;

    /// <summary>True once the domain has crashed (domain_crash) and the crash is logged and recorded by the host.</summary>
    public bool IsCrashed => _domain.CrashCause is not null;

    /// <summary>The exception that crashed the domain, with its stack; null if it did not crash.</summary>
    public Exception? CrashCause => _domain.CrashCause;

    /// <summary>The domain's kernel log (its console), oldest line first.</summary>
    public IReadOnlyList<string> KernelLog => _domain.Machine.Console.LinesOf(_domain.Id);

    /// <summary>The names of the domain's interfaces now attached.</summary>
    public IReadOnlyList<string> InterfaceNames => OnVcpu(() => Kernel.Interfaces.All.Select(i => i.Name).Order(StringComparer.Ordinal).ToList());

    /// <summary>The guest's machinery; null for dom0.</summary>
    internal GuestSystem? System { get; init; }

    /// <summary>
    /// The pcap file of interface <paramref name="iface"/>, or null when
    /// capture is off. It is written from the moment the interface attaches
    /// and complete once the host is disposed.
    /// </summary>
    public string? CaptureFile(string iface) =>
        _host.CaptureDirectory is { } directory ? Path.Combine(directory, $"{Name}.{iface}.pcap") : null;

    /// <summary>A snapshot of interface <paramref name="iface"/>'s counters (packets, bytes, errors, drops).</summary>
    /// <exception cref="ArgumentException">No such interface is attached.</exception>
    public InterfaceCounters Counters(string iface) => OnVcpu(() =>
    {
        InterfaceCounters now = Find(iface).Counters;
        return new InterfaceCounters
        {
            InPackets = now.InPackets,
            InBytes = now.InBytes,
            InErrors = now.InErrors,
            InDrops = now.InDrops,
            OutPackets = now.OutPackets,
            OutBytes = now.OutBytes,
            OutErrors = now.OutErrors,
            OutDrops = now.OutDrops,
        };
    });

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Id})";

    /// <summary>
    /// Runs <paramref name="work"/> on this domain's vCPU and waits for its
    /// result. The work is the test's own action, so an exception it throws
    /// (a misnamed interface) comes back to the test rather than crashing the domain.
    /// </summary>
    internal T OnVcpu<T>(Func<T> work)
    {
        _host.ThrowIfCrashed();
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        bool done = false;
        Kernel.Run(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }

            Volatile.Write(ref done, true);
        });
        WaitFor(() => Volatile.Read(ref done), "queued work");
        failure?.Throw();
        return result;
    }

    /// <summary>Runs asynchronous <paramref name="work"/> (a XenStore request) on this domain's vCPU, as <see cref="OnVcpu"/>.</summary>
    internal T OnVcpuAsync<T>(Func<Task<T>> work)
    {
        _host.ThrowIfCrashed();
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        bool done = false;
        Kernel.Run(async () =>
        {
            try
            {
                result = await work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }

            Volatile.Write(ref done, true);
        });
        WaitFor(() => Volatile.Read(ref done), "a XenStore request");
        failure?.Throw();
        return result;
    }

    private void WaitFor(Func<bool> done, string what)
    {
        if (!_host.WaitUntil(done))
        {
            throw new TimeoutException($"{Name}'s vCPU did not finish {what} within {_host.Options.DefaultTimeout.TotalSeconds} s");
        }
    }

    internal NetworkInterface Find(string iface) =>
        Kernel.Interfaces.Find(iface) ?? throw new ArgumentException($"{Name} has no interface {iface}", nameof(iface));

    internal IpStack Ip =>
        _ip() ?? throw new InvalidOperationException($"{Name} has no IP stack yet: its interface is not attached (wait with XenHost.WaitConnected first)");

    internal XenHost Host => _host;

    /// <summary>Destroyed or crashed: its vCPU runs nothing more.</summary>
    internal bool IsGone => _domain.IsDying || IsCrashed;
}
