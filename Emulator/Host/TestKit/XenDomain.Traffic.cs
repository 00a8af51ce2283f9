using XvifSim.Guest.Net;

namespace XvifSim.Host;

public sealed partial class XenDomain
{
    /// <summary>Bytes of ICMP echo payload ping(8) sends by default.</summary>
    public const int PingPayloadBytes = 56;

    /// <summary>
    /// ping -c <paramref name="count"/> from this domain's IP stack: one echo
    /// request at a time, each waited for up to <paramref name="timeout"/>
    /// (ARP resolves on the first).
    /// </summary>
    /// <param name="to">The address to ping.</param>
    /// <param name="count">How many echo requests.</param>
    /// <param name="timeout">How long to wait for each reply; null for 2 s.</param>
    /// <returns>How many replies came back.</returns>
    /// <exception cref="DomainCrashedException">A domain crashed meanwhile.</exception>
    public int Ping(IPv4Address to, int count = 3, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        IpStack ip = Ip;
        ushort identifier = _host.NextIdentifier();
        int replies = 0;
        OnVcpu(() => ip.PingReply = (_, id, _, _) =>
        {
            if (id == identifier)
            {
                Interlocked.Increment(ref replies);
            }
        });
        try
        {
            for (int sequence = 0; sequence < count; sequence++)
            {
                ushort seq = (ushort)sequence;
                int wanted = sequence + 1;
                OnVcpu(() => ip.Ping(to, identifier, seq, PingPayloadBytes));
                _host.WaitUntil(() => Volatile.Read(ref replies) >= wanted, timeout ?? TimeSpan.FromSeconds(2));
            }
        }
        finally
        {
            if (!IsGone)
            {
                OnVcpu(() => ip.PingReply = null);
            }
        }

        return Volatile.Read(ref replies);
    }

    /// <summary>
    /// A UDP exchange: <paramref name="peer"/> echoes on <paramref name="port"/>
    /// (RFC 862), this domain sends <paramref name="count"/> datagrams of
    /// <paramref name="payloadBytes"/> to it, one at a time, and counts the echoes
    /// that come back with the same bytes.
    /// </summary>
    /// <param name="peer">The domain that echoes (dom0 or a guest).</param>
    /// <param name="count">How many datagrams.</param>
    /// <param name="payloadBytes">Payload of each datagram (fragmentation is not done: keep it under the MTU).</param>
    /// <param name="port">The echo port.</param>
    /// <param name="timeout">How long to wait for each echo; null for 2 s.</param>
    /// <returns>How many echoes came back intact.</returns>
    public int UdpExchange(XenDomain peer, int count = 10, int payloadBytes = 64, ushort port = IpStack.EchoPort, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadBytes, 1472);
        const ushort ReplyPort = 40_000;
        IpStack echo = peer.Ip;
        peer.OnVcpu(() =>
        {
            echo.EnableUdpEcho(port);
            return true;
        });
        IpStack ip = Ip;
        int echoes = 0;
        byte[] payload = new byte[payloadBytes];
        OnVcpu(() =>
        {
            ip.Bind(ReplyPort, (_, _, _, data) =>
            {
                if (data.SequenceEqual(payload))
                {
                    Interlocked.Increment(ref echoes);
                }
            });
            return true;
        });
        try
        {
            for (int i = 0; i < count; i++)
            {
                int wanted = i + 1;
                payload.AsSpan().Fill((byte)i);
                OnVcpu(() => ip.SendTo(peer.Address, port, ReplyPort, payload));
                _host.WaitUntil(() => Volatile.Read(ref echoes) >= wanted, timeout ?? TimeSpan.FromSeconds(2));
            }
        }
        finally
        {
            if (!IsGone)
            {
                OnVcpu(() =>
                {
                    ip.Unbind(ReplyPort);
                    return true;
                });
            }
        }

        return Volatile.Read(ref echoes);
    }

    /// <summary>
    /// Sends one raw Ethernet frame out of interface <paramref name="iface"/>,
    /// as the stack would: the capture taps see it, then the driver takes it.
    /// </summary>
    /// <returns>Whether the driver took it (false: the interface is not up and running, or the driver dropped it).</returns>
    public bool SendFrame(string iface, ReadOnlySpan<byte> frame)
    {
        byte[] copy = frame.ToArray();
        return OnVcpu(() => Find(iface).Send(copy));
    }

    /// <summary>Starts recording the frames crossing <paramref name="iface"/> (both ways), from now on.</summary>
    /// <exception cref="ArgumentException">No such interface is attached.</exception>
    public FrameRecorder RecordFrames(string iface)
    {
        var recorder = new FrameRecorder();
        OnVcpu(() =>
        {
            Find(iface).AddTap(recorder);
            return true;
        });
        return recorder;
    }
}
