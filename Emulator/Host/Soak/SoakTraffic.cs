using XvifSim.Guest.Net;
using XvifSim.Host.Systems;

namespace XvifSim.Host.Soak;

/// <summary>
/// One guest's share of the soak's mixed traffic, from a timer on its own
/// vCPU: every tick a UDP datagram to a random other guest and one to dom0.
/// Each attempt is classified by what the stack answered (or by the guest
/// having no xennet0 while its vif is detached). Counters are written on
/// the guest's vCPU and read once traffic has stopped.
/// </summary>
internal sealed class SoakTraffic(GuestSystem guest, IReadOnlyList<IPv4Address> peers, int seed)
{
    public const ushort GuestPort = 5021;
    public const ushort Dom0Port = 5022;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private readonly Random _random = new(seed);
    private XvifSim.Guest.Timers.GuestTimer? _timer;
    private volatile bool _running;

    public long[] Attempts { get; } = new long[2];

    public long[] Outcome { get; } = new long[Enum.GetValues<IpOutputStatus>().Length + 1];

    /// <summary>Index in <see cref="Outcome"/> of "no xennet0".</summary>
    public static int NoInterface => Enum.GetValues<IpOutputStatus>().Length;

    public long Received;

    private IpStack? _bound;

    /// <summary>Binds the guest port on <paramref name="ip"/> once (on the guest's vCPU); false if it already was.</summary>
    public bool BindOn(IpStack ip)
    {
        if (ReferenceEquals(_bound, ip))
        {
            return false;
        }

        _bound = ip;
        ip.Bind(GuestPort, (_, _, _, _) => Interlocked.Increment(ref Received));
        return true;
    }

    public void Start() => guest.Kernel.Run(() =>
    {
        _running = true;
        _timer = guest.Kernel.Timers.Create(OnTick);
        _timer.Start(Tick);
    });

    public void Stop() => _running = false;

    private void OnTick()
    {
        if (!_running)
        {
            return;
        }

        IPv4Address peer = peers[_random.Next(peers.Count)];
        if (peer == guest.Address)
        {
            peer = SimulatedXen.Dom0Address;
        }

        Send(peer == SimulatedXen.Dom0Address ? 1 : 0, peer);
        Send(1, SimulatedXen.Dom0Address);
        _timer!.Start(Tick);
    }

    private void Send(int kind, IPv4Address to)
    {
        Span<byte> payload = stackalloc byte[128];
        Attempts[kind]++;
        if (guest.Ip is not { } ip)
        {
            Outcome[NoInterface]++;
            return;
        }

        Outcome[(int)ip.SendTo(to, kind == 0 ? GuestPort : Dom0Port, GuestPort, payload)]++;
    }
}
