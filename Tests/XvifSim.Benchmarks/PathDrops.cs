using XvifSim.Guest;
using XvifSim.Guest.Net;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;

namespace XvifSim.Benchmarks;

/// <summary>
/// Where frames of a guest-to-guest stream were dropped: errors and drops on
/// each interface of the path in the direction the stream crosses it, the
/// bridge's drops and guest2's IP and UDP input errors. Each is read on its
/// own vCPU; two snapshots give a stream's share.
/// </summary>
public sealed record PathDrops(long Guest1Out, long Vif1In, long Bridge, long Vif2Out, long Guest2In, long Guest2Ip)
{
    public static readonly PathDrops None = new(0, 0, 0, 0, 0, 0);

    public long Total => Guest1Out + Vif1In + Bridge + Vif2Out + Guest2In + Guest2Ip;

    internal static PathDrops Take(SimulatedXen xen, GuestSystem one, GuestSystem two)
    {
        GuestKernel dom0 = xen.Dom0.Kernel;
        return new PathDrops(
            Get(xen, one.Kernel, () => Out(one.Xennet0!)),
            Get(xen, dom0, () => In(Vif(xen, one))),
            Get(xen, dom0, () => xen.Dom0.Bridge.Dropped),
            Get(xen, dom0, () => Out(Vif(xen, two))),
            Get(xen, two.Kernel, () => In(two.Xennet0!)),
            Get(xen, two.Kernel, () =>
            {
                IpStackCounters c = two.Ip!.Counters;
                return c.IpBadHeader + c.IpBadChecksum + c.UdpBadLength + c.UdpBadChecksum + c.UdpNoPort;
            }));
    }

    public PathDrops Since(PathDrops before) => new(
        Guest1Out - before.Guest1Out, Vif1In - before.Vif1In, Bridge - before.Bridge,
        Vif2Out - before.Vif2Out, Guest2In - before.Guest2In, Guest2Ip - before.Guest2Ip);

    public PathDrops Plus(PathDrops other) => new(
        Guest1Out + other.Guest1Out, Vif1In + other.Vif1In, Bridge + other.Bridge,
        Vif2Out + other.Vif2Out, Guest2In + other.Guest2In, Guest2Ip + other.Guest2Ip);

    public override string ToString() =>
        $"guest1/xennet0 out {Guest1Out}, xvif1i0 in {Vif1In}, bridge0 {Bridge}, xvif2i0 out {Vif2Out}, guest2/xennet0 in {Guest2In}, guest2 IP/UDP {Guest2Ip}";

    private static long Get(SimulatedXen xen, GuestKernel kernel, Func<long> read) => VcpuWork.Get(xen.Machine.Scheduler, kernel, read);

    private static long In(NetworkInterface iface) => iface.Counters.InErrors + iface.Counters.InDrops;

    private static long Out(NetworkInterface iface) => iface.Counters.OutErrors + iface.Counters.OutDrops;

    private static NetworkInterface Vif(SimulatedXen xen, GuestSystem guest) =>
        xen.Dom0.Kernel.Interfaces.Find($"xvif{guest.Kernel.DomId.Value}i0")!;
}
