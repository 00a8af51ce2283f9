using Moq;
using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

/// <summary>
/// A Machine on a mocked scheduler (the real ones are not written yet): each
/// domain's vCPU is a loose Mock&lt;IVcpuContext&gt;, so a test can see what a
/// kick posted and run it. Also reads the real shared_info bytes.
/// </summary>
internal sealed class EventTestBed : IDisposable
{
    private readonly Dictionary<ushort, Mock<IVcpuContext>> _contexts = [];

    public EventTestBed()
    {
        var scheduler = new Mock<IScheduler>();
        scheduler
            .Setup(s => s.CreateVcpu(It.IsAny<DomId>(), It.IsAny<Action<Exception>>()))
            .Returns((DomId id, Action<Exception> _) =>
            {
                var context = new Mock<IVcpuContext>();
                _contexts[id.Value] = context;
                return context.Object;
            });
        Machine = new Machine(scheduler.Object, new MachineOptions { XenStore = false });
    }

    public Machine Machine { get; }

    public Domain Dom0 => Machine.Dom0;

    public Domain NewGuest(string name = "guest") => Machine.CreateDomain(new DomainConfig(name));

    /// <summary>The mocked scheduler context behind <paramref name="domain"/>'s vCPU.</summary>
    public Mock<IVcpuContext> Context(Domain domain) => _contexts[domain.Id.Value];

    /// <summary>The actions posted to <paramref name="domain"/>'s vCPU so far.</summary>
    public IReadOnlyList<Action> Posted(Domain domain) =>
        [.. Context(domain).Invocations.Where(i => i.Method.Name == nameof(IVcpuContext.Post)).Select(i => (Action)i.Arguments[0]!)];

    /// <summary><paramref name="remote"/> offers a port to <paramref name="local"/>, which binds it: (local port, remote port).</summary>
    public static (EvtchnPort Local, EvtchnPort Remote) Connect(Domain local, Domain remote)
    {
        var alloc = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = local.Id };
        Assert.That(remote.Hypercalls.EventChannel.AllocUnbound(ref alloc), Is.EqualTo(Errno.Ok));
        var bind = new EvtchnBindInterdomain { RemoteDom = remote.Id, RemotePort = alloc.Port };
        Assert.That(local.Hypercalls.EventChannel.BindInterdomain(ref bind), Is.EqualTo(Errno.Ok));
        return (bind.LocalPort, alloc.Port);
    }

    /// <summary>A fresh unbound port in <paramref name="owner"/> offered to <paramref name="remote"/>.</summary>
    public static EvtchnPort Offer(Domain owner, Domain remote)
    {
        var alloc = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = remote.Id };
        Assert.That(owner.Hypercalls.EventChannel.AllocUnbound(ref alloc), Is.EqualTo(Errno.Ok));
        return alloc.Port;
    }

    public static EvtchnStatus StatusOf(Domain asker, DomId dom, EvtchnPort port)
    {
        var status = new EvtchnStatus { Dom = dom, Port = port };
        Assert.That(asker.Hypercalls.EventChannel.Status(ref status), Is.EqualTo(Errno.Ok));
        return status;
    }

    public static bool IsPending(Domain d, EvtchnPort port) =>
        SharedBits.Test(d.SharedInfo.Span, SharedInfoLayout.PendingWord(port), SharedInfoLayout.Bit(port));

    /// <summary>What a guest does to mask a port: set its bit in evtchn_mask.</summary>
    public static void Mask(Domain d, EvtchnPort port) =>
        SharedBits.TestAndSet(d.SharedInfo.Span, SharedInfoLayout.MaskWord(port), SharedInfoLayout.Bit(port));

    public static bool IsMasked(Domain d, EvtchnPort port) =>
        SharedBits.Test(d.SharedInfo.Span, SharedInfoLayout.MaskWord(port), SharedInfoLayout.Bit(port));

    public static byte UpcallPending(Domain d) => d.SharedInfo.Span[VcpuInfoLayout.EvtchnUpcallPending];

    public static ulong PendingSel(Domain d) => BitConverter.ToUInt64(d.SharedInfo.Span[VcpuInfoLayout.EvtchnPendingSel..]);

    /// <summary>What a guest's upcall does first: clear upcall_pending and take the selector.</summary>
    public static void AcknowledgeUpcall(Domain d)
    {
        d.SharedInfo.Span[VcpuInfoLayout.EvtchnUpcallPending] = 0;
        SharedBits.ExchangeU64(d.SharedInfo.Span, VcpuInfoLayout.EvtchnPendingSel, 0);
    }

    public void Dispose() => Machine.Dispose();
}
