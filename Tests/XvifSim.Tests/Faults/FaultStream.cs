using XvifSim.Guest.Net;
using XvifSim.Host.Systems;

namespace XvifSim.Tests.Faults;

/// <summary>
/// A UDP stream from one guest to another driven by a timer on the sender's
/// vCPU (a few datagrams every millisecond), so it keeps flowing while the
/// test runs the toolstack's steps of a fault. Every attempt is classified
/// by what the sender's stack answered; the receiver's handler counts what
/// arrived. The receiver's port is bound again on each new stack (a
/// re-attached xennet0 gets a new IpStack).
/// </summary>
internal sealed class FaultStream
{
    public const ushort Port = 5011;
    public const int PerTick = 4;
    public const int PayloadLength = 200;

    private readonly GuestSystem _from;
    private readonly IPv4Address _to;
    private XvifSim.Guest.Timers.GuestTimer? _timer;
    private volatile bool _running;

    public FaultStream(GuestSystem from, GuestSystem to)
    {
        _from = from;
        _to = to.Address;
        Bind(to);
        to.Kernel.Interfaces.Changed += (iface, attached) =>
        {
            // GuestSystem's own handler ran first and made the new stack.
            if (attached && iface.Name == "xennet0")
            {
                Bind(to);
            }
        };
    }

    /// <summary>Datagrams the application tried to send.</summary>
    public long Attempts;

    /// <summary>Handed to xennet0 (IpOutputStatus.Sent).</summary>
    public long Sent;

    /// <summary>Refused by the interface (down, not running, or xennet's "Tx packet dropped"): xennet0 OutDrops.</summary>
    public long SenderDropped;

    /// <summary>Held by ARP (IpOutputStatus.Queued); ARP is warm, so none are expected.</summary>
    public long Queued;

    /// <summary>No route (IpOutputStatus.NoRoute or TooLarge).</summary>
    public long NoRoute;

    /// <summary>The sender had no xennet0 at all (network-detach took it): sendto fails with ENETUNREACH.</summary>
    public long NoInterface;

    /// <summary>Datagrams the receiver's bound port got.</summary>
    public long Received;

    private void Bind(GuestSystem to) => to.Ip?.Bind(Port, (_, _, _, _) => Interlocked.Increment(ref Received));

    /// <summary>Starts the stream on the sender's vCPU.</summary>
    public void Start() => _from.Kernel.Run(() =>
    {
        _running = true;
        _timer = _from.Kernel.Timers.Create(Tick);
        _timer.Start(TimeSpan.FromMilliseconds(1));
    });

    /// <summary>Stops it (from the sender's vCPU at its next tick).</summary>
    public void Stop() => _running = false;

    private void Tick()
    {
        if (!_running)
        {
            return;
        }

        Span<byte> payload = stackalloc byte[PayloadLength];
        for (int i = 0; i < PerTick; i++)
        {
            Attempts++;
            if (_from.Ip is not { } ip)
            {
                NoInterface++;
                continue;
            }

            switch (ip.SendTo(_to, Port, Port, payload))
            {
                case IpOutputStatus.Sent: Sent++; break;
                case IpOutputStatus.Dropped: SenderDropped++; break;
                case IpOutputStatus.Queued: Queued++; break;
                default: NoRoute++; break;
            }
        }

        _timer!.Start(TimeSpan.FromMilliseconds(1));
    }
}
