using XvifSim.Guest.Net;
using XvifSim.Public;

namespace XvifSim.Benchmarks;

/// <summary>
/// Keeps guest1's UDP stack fed from its own vCPU without flooding the path:
/// at most <see cref="Window"/> datagrams are in flight (sent by guest1, not
/// yet delivered to guest2's UDP), and each <see cref="Batch"/> deliveries
/// ask guest1 to top the window up again, as a transport's acknowledgements
/// would. The window is under the 256-slot TX ring and the 256 RX buffers
/// xennet keeps posted, so ring space, not drops, bounds a steady stream.
/// The credit travels between vCPUs through the scheduler, not as frames, so
/// every frame on the wire is a measured datagram. Nothing here allocates per
/// frame: the top-up delegate is made once.
/// </summary>
internal sealed class CreditedSender
{
    public const int Window = 192;
    public const int Batch = 32;

    private readonly IVcpu _vcpu;
    private readonly IpStack _ip;
    private readonly IPv4Address _to;
    private readonly ushort _port;
    private readonly byte[] _payload;
    private readonly Action _topUp;
    private long _sent;
    private long _refused;
    private long _delivered;
    private long _writtenOff;
    private long _stalls;
    private volatile bool _stopped;

    public CreditedSender(IVcpu vcpu, IpStack ip, IPv4Address to, ushort port, int payloadLength)
    {
        _vcpu = vcpu;
        _ip = ip;
        _to = to;
        _port = port;
        _payload = new byte[payloadLength];
        _topUp = TopUp;
    }

    /// <summary>Datagrams guest1's stack accepted (Sent).</summary>
    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Datagrams guest1's stack refused (a full TX ring, say).</summary>
    public long Refused => Volatile.Read(ref _refused);

    /// <summary>Datagrams guest2's UDP received on the port.</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>How often the stream stalled with frames in flight and the window was reopened.</summary>
    public long Stalls => Volatile.Read(ref _stalls);

    /// <summary>Asks guest1's vCPU to top the window up.</summary>
    public void Kick() => _vcpu.Schedule(_topUp);

    /// <summary>
    /// Treats what is in flight as lost after a stall, so the window reopens;
    /// a frame that still arrives later only lets the window run over by one.
    /// </summary>
    public void WriteOffInFlight()
    {
        Volatile.Write(ref _writtenOff, Sent - Delivered);
        Interlocked.Increment(ref _stalls);
        Kick();
    }

    /// <summary>Stops topping up; what is in flight still arrives.</summary>
    public void Pause() => _stopped = true;

    /// <summary>Starts topping up again.</summary>
    public void Resume()
    {
        _stopped = false;
        Kick();
    }

    /// <summary>guest2's UDP handler for the port, on guest2's vCPU.</summary>
    public void OnDatagram(IPv4Address source, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        long delivered = _delivered + 1;
        Volatile.Write(ref _delivered, delivered);
        if (delivered % Batch == 0)
        {
            Kick();
        }
    }

    /// <summary>On guest1's vCPU: sends until the window is full again.</summary>
    private void TopUp()
    {
        if (_stopped)
        {
            return;
        }

        long inFlight = _sent - Delivered - Volatile.Read(ref _writtenOff);
        for (; inFlight < Window; inFlight++)
        {
            if (_ip.SendTo(_to, _port, _port, _payload) != IpOutputStatus.Sent)
            {
                // A full TX ring (xennet drops rather than queues): try again on the next credit.
                Volatile.Write(ref _refused, _refused + 1);
                return;
            }

            Volatile.Write(ref _sent, _sent + 1);
        }
    }
}
