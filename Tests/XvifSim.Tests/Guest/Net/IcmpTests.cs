using PacketDotNet;
using XvifSim.Guest.Net;
using static XvifSim.Tests.Guest.Net.Frames;

namespace XvifSim.Tests.Guest.Net;

public class IcmpTests
{
    private Wire _wire = null!;
    private TestClock _clock = null!;
    private FrameLog _log = null!;
    private IpStack _a = null!;
    private IpStack _b = null!;

    [SetUp]
    public void SetUp()
    {
        _wire = new Wire();
        _clock = new TestClock();
        _log = new FrameLog();
        (NetworkInterface a, NetworkInterface b) = _wire.Cable("xennet0", MacA, "xvif1i0", MacB);
        a.AddTap(_log);
        _a = new IpStack(a, IpA, 24, _clock.Read);
        _b = new IpStack(b, IpB, 24, _clock.Read);
    }

    [Test]
    public void TheFirstPingResolvesTheTargetThenSendsTheEcho()
    {
        var replies = new List<(IPv4Address From, ushort Id, ushort Seq, ulong Rtt)>();
        _a.PingReply = (from, id, seq, rtt) => replies.Add((from, id, seq, rtt));

        Assert.That(_a.Ping(IpB, 0x1234, 1, 56), Is.EqualTo(IpOutputStatus.Queued));
        _wire.Pump();

        Packet[] frames = _log.Frames.Select(f => Parse(f.Frame)).ToArray();
        Assert.That(_log.Frames.Select(f => f.Direction), Is.EqualTo(new[] { FrameDirection.Out, FrameDirection.In, FrameDirection.Out, FrameDirection.In }));
        Assert.Multiple(() =>
        {
            Assert.That(frames[0].Extract<PacketDotNet.ArpPacket>().Operation, Is.EqualTo(ArpOperation.Request));
            Assert.That(frames[1].Extract<PacketDotNet.ArpPacket>().Operation, Is.EqualTo(ArpOperation.Response));
            Assert.That(frames[2].Extract<IcmpV4Packet>().TypeCode, Is.EqualTo(IcmpV4TypeCode.EchoRequest));
            Assert.That(frames[3].Extract<IcmpV4Packet>().TypeCode, Is.EqualTo(IcmpV4TypeCode.EchoReply));
            Assert.That(replies, Is.EqualTo(new[] { (IpB, (ushort)0x1234, (ushort)1, 0UL) }));
        });

        _log.Clear();
        Assert.That(_a.Ping(IpB, 0x1234, 2, 56), Is.EqualTo(IpOutputStatus.Sent), "resolved now: no second ARP");
        _wire.Pump();
        Assert.That(_log.Frames, Has.Count.EqualTo(2));
    }

    [Test]
    public void EchoRequestAndReplyAreWellFormedWithValidChecksums()
    {
        _a.Ping(IpB, 7, 42, 100);
        _wire.Pump();

        var request = (EthernetPacket)Parse(_log.Out("xennet0").Last());
        var reply = (EthernetPacket)Parse(_log.In("xennet0").Last());
        var requestIp = request.Extract<IPv4Packet>();
        var replyIp = reply.Extract<IPv4Packet>();
        var requestIcmp = request.Extract<IcmpV4Packet>();
        var replyIcmp = reply.Extract<IcmpV4Packet>();
        Assert.Multiple(() =>
        {
            Assert.That(requestIp.ValidChecksum, Is.True);
            Assert.That(replyIp.ValidChecksum, Is.True);
            Assert.That(requestIcmp.ValidIcmpChecksum, Is.True);
            Assert.That(replyIcmp.ValidIcmpChecksum, Is.True);
            Assert.That(requestIp.TotalLength, Is.EqualTo(20 + 8 + 100));
            Assert.That(replyIp.TotalLength, Is.EqualTo(20 + 8 + 100));
            Assert.That(replyIp.TimeToLive, Is.EqualTo(64));
            Assert.That(Ip(replyIp.SourceAddress), Is.EqualTo(IpB));
            Assert.That(Ip(replyIp.DestinationAddress), Is.EqualTo(IpA));
            Assert.That(Mac(reply.DestinationHardwareAddress), Is.EqualTo(MacA));
            Assert.That(replyIcmp.Id, Is.EqualTo(7));
            Assert.That(replyIcmp.Sequence, Is.EqualTo(42));
            Assert.That(replyIcmp.Data, Is.EqualTo(requestIcmp.Data), "RFC 792: the data comes back unchanged");
            Assert.That(requestIcmp.Data.Skip(8), Is.EqualTo(Enumerable.Range(8, 92).Select(i => (byte)i)), "ping(8)'s pattern after the timestamp");
        });
    }

    [Test]
    public void ReportsTheRoundTripOnTheVcpuClock()
    {
        _a.Ping(IpB, 1, 1, 56);
        _wire.Pump();
        ulong rtt = 0;
        _a.PingReply = (_, _, _, r) => rtt = r;

        _a.Ping(IpB, 1, 2, 56);
        _clock.Advance(1_500_000);
        _wire.Pump();

        Assert.That(rtt, Is.EqualTo(1_500_000));
        Assert.That(_a.LastRoundTripNs, Is.EqualTo(1_500_000));
    }

    [Test]
    public void AnswersAnEchoRequestBuiltByPacketDotNet()
    {
        NetworkInterface b = _b.Interface;
        b.Input(ArpRequest(MacA, IpA, IpB));
        _wire.Pump();
        _log.Clear();

        b.Input(EchoRequest(MacA, MacB, IpA, IpB, 99, 3, "hello, xvif"u8.ToArray()));
        _wire.Pump();

        var icmp = Parse(_log.In("xennet0").Single()).Extract<IcmpV4Packet>();
        Assert.That(icmp.TypeCode, Is.EqualTo(IcmpV4TypeCode.EchoReply));
        Assert.That(icmp.ValidIcmpChecksum, Is.True);
        Assert.That(icmp.Data, Is.EqualTo("hello, xvif"u8.ToArray()));
        Assert.That(_b.Counters.IcmpEchoRequestsReceived, Is.EqualTo(1));
        Assert.That(_b.Counters.IcmpEchoRepliesSent, Is.EqualTo(1));
    }

    [Test]
    public void DropsAnEchoRequestWithABadIcmpChecksum()
    {
        byte[] frame = EchoRequest(MacA, MacB, IpA, IpB, 1, 1, [1, 2, 3, 4]);
        frame[14 + 20 + 8] ^= 0xFF;

        _b.Interface.Input(frame);

        Assert.That(_b.Counters.IcmpBadChecksum, Is.EqualTo(1));
        Assert.That(_b.Counters.IcmpEchoRepliesSent, Is.Zero);
    }

    [Test]
    public void IgnoresEchoRequestsToTheBroadcastAddress()
    {
        _b.Interface.Input(EchoRequest(MacA, MacAddress.Broadcast, IpA, IPv4Address.Parse("10.0.0.255"), 1, 1, [1, 2, 3, 4]));

        Assert.That(_b.Counters.IcmpIgnored, Is.EqualTo(1));
        Assert.That(_b.Counters.IcmpEchoRepliesSent, Is.Zero);
    }

    [Test]
    public void RefusesTargetsOffTheSubnetAndOversizedPings()
    {
        Assert.That(_a.Ping(IPv4Address.Parse("10.0.1.2"), 1, 1, 8), Is.EqualTo(IpOutputStatus.NoRoute));
        Assert.That(_a.Ping(IpA, 1, 1, 8), Is.EqualTo(IpOutputStatus.NoRoute));
        Assert.That(_a.Ping(IpB, 1, 1, 1500 - 20 - 8 + 1), Is.EqualTo(IpOutputStatus.TooLarge));
        Assert.That(_a.Counters.IpNoRoute, Is.EqualTo(2));
        Assert.That(_a.Counters.IpTooLarge, Is.EqualTo(1));
    }

    [Test]
    public void PingsWithJumboFramesWhenTheMtuAllows()
    {
        _a.Interface.Mtu = 9000;
        _b.Interface.Mtu = 9000;

        _a.Ping(IpB, 1, 1, 9000 - 20 - 8);
        _wire.Pump();

        Assert.That(_a.Counters.IcmpEchoRepliesReceived, Is.EqualTo(1));
        Assert.That(_log.In("xennet0").Last(), Has.Length.EqualTo(9014));
    }
}
