using XvifSim.Guest.Net;
using XvifSim.Host.Systems;

namespace XvifSim.Host.Soak;

/// <summary>
/// One guest's share of the soak's mixed traffic, from a timer on its own
/// vCPU: every tick a UDP datagram to a random other guest and one to dom0.
/// Each attempt is classified by what the stack answered (or by the guest
/// having no xennet0 while its vif is detached). Counters are written on
/// the guest's vCPU and read once traffic has stopped.
/// <para>
/// The sender is paced by load, as a UDP application is by ENOBUFS: when
/// xennet0 refuses a datagram (its TX ring is full because dom0 is behind,
/// or it is suspended) the tick doubles, up to <see cref="MaxTick"/>; each
/// tick with nothing refused shortens it by an eighth, back to the base
/// tick (<see cref="TickFor"/>). Without it 64 guests offer dom0's one vCPU more than
/// it can carry on a small host, and the soak measures nothing but full rings.
/// </para>
/// </summary>
internal sealed class SoakTraffic(GuestSystem guest, IReadOnlyList<IPv4Address> peers, int seed, TimeSpan tick)
{
    public const ushort GuestPort = 5021;
    public const ushort Dom0Port = 5022;

    /// <summary>The fastest tick: two datagrams every 5 ms, 400 a second.</summary>
    public static readonly TimeSpan FastestTick = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Guests that may send at the fastest tick together; with more, each
    /// guest's tick grows so that all of them offer dom0 what this many would
    /// (3,200 datagrams a second). Dom0 has one vCPU for every vif.
    /// </summary>
    public const int FullRateGuests = 8;

    /// <summary>The slowest a backed-off sender goes: two datagrams a second.</summary>
    public static readonly TimeSpan MaxTick = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _baseTick = tick;
    private TimeSpan _tick = tick;

    private readonly Random _random = new(seed);
    private XvifSim.Guest.Timers.GuestTimer? _timer;
    private volatile bool _running;

    public long[] Attempts { get; } = new long[2];

    public long[] Outcome { get; } = new long[Enum.GetValues<IpOutputStatus>().Length + 1];

    /// <summary>Index in <see cref="Outcome"/> of "no xennet0".</summary>
    public static int NoInterface => Enum.GetValues<IpOutputStatus>().Length;

    public long Received;

    /// <summary>Ticks on which xennet0 refused a datagram and the sender backed off.</summary>
    public long BackOffs { get; private set; }

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

    /// <summary>The base tick for a soak of <paramref name="guests"/> guests (see <see cref="FullRateGuests"/>).</summary>
    public static TimeSpan TickFor(int guests) => FastestTick * Math.Max(1.0, guests / (double)FullRateGuests);

    /// <summary>Starts sending after <paramref name="delay"/> (the soak staggers its guests' starts).</summary>
    public void Start(TimeSpan delay) => guest.Kernel.Run(() =>
    {
        _running = true;
        _timer = guest.Kernel.Timers.Create(OnTick);
        _timer.Start(delay + _baseTick);
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

        // Both sends happen whatever the first answered (no short-circuit).
        bool refused = Send(peer == SimulatedXen.Dom0Address ? 1 : 0, peer) | Send(1, SimulatedXen.Dom0Address);
        if (refused)
        {
            BackOffs++;
            _tick = _tick * 2 < MaxTick ? _tick * 2 : MaxTick;
        }
        else
        {
            _tick = _tick - (_tick / 8) > _baseTick ? _tick - (_tick / 8) : _baseTick;
        }

        _timer!.Start(_tick);
    }

    /// <summary>Sends one datagram of <paramref name="kind"/>; true if xennet0 refused it.</summary>
    private bool Send(int kind, IPv4Address to)
    {
        Span<byte> payload = stackalloc byte[128];
        Attempts[kind]++;
        if (guest.Ip is not { } ip)
        {
            Outcome[NoInterface]++;
            return false;
        }

        IpOutputStatus status = ip.SendTo(to, kind == 0 ? GuestPort : Dom0Port, GuestPort, payload);
        Outcome[(int)status]++;
        return status == IpOutputStatus.Dropped;
    }
}
