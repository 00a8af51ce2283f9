using PacketDotNet;
using XvifSim.Guest.Net;
using static XvifSim.Tests.Guest.Net.Frames;

namespace XvifSim.Tests.Guest.Net;

public class UdpTests
{
    private Wire _wire = null!;
    private TestClock _clock = null!;
    private FrameLog _log = null!;
    private IpStack _a = null!;
    private IpStack _b = null!;
    private List<(IPv4Address From, ushort SrcPort, ushort DstPort, byte[] Payload)> _received = null!;

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
        _received = [];
        _b.Bind(5000, (from, sp, dp, payload) => _received.Add((from, sp, dp, payload.ToArray())));
        // Resolve both ways so each test starts from a warm cache.
        _a.Ping(IpB, 1, 1, 8);
        _wire.Pump();
        _log.Clear();
    }

    [Test]
    public void SendsADatagramWithAValidChecksum()
    {
        Assert.That(_a.SendTo(IpB, 5000, 4000, "payload"u8), Is.EqualTo(IpOutputStatus.Sent));
        _wire.Pump();

        var eth = (EthernetPacket)Parse(_log.Out("xennet0").Single());
        var ip = eth.Extract<IPv4Packet>();
        var udp = eth.Extract<UdpPacket>();
        Assert.Multiple(() =>
        {
            Assert.That(ip.ValidChecksum, Is.True);
            Assert.That(ip.Protocol, Is.EqualTo(ProtocolType.Udp));
            Assert.That(udp.ValidUdpChecksum, Is.True);
            Assert.That(udp.Checksum, Is.Not.Zero);
            Assert.That(udp.SourcePort, Is.EqualTo(4000));
            Assert.That(udp.DestinationPort, Is.EqualTo(5000));
            Assert.That(udp.Length, Is.EqualTo(8 + 7));
            Assert.That(_received, Has.Count.EqualTo(1));
            Assert.That(_received[0].From, Is.EqualTo(IpA));
            Assert.That(_received[0].SrcPort, Is.EqualTo(4000));
            Assert.That(_received[0].DstPort, Is.EqualTo(5000));
            Assert.That(_received[0].Payload, Is.EqualTo("payload"u8.ToArray()));
        });
    }

    [Test]
    public void ReceivesADatagramBuiltByPacketDotNet()
    {
        _b.Interface.Input(Udp(MacA, MacB, IpA, IpB, 1234, 5000, [9, 8, 7]));

        Assert.That(_received.Single().Payload, Is.EqualTo(new byte[] { 9, 8, 7 }));
        Assert.That(_b.Counters.UdpReceived, Is.EqualTo(1));
    }

    [Test]
    public void AcceptsAZeroChecksumAsNone()
    {
        _b.Interface.Input(Udp(MacA, MacB, IpA, IpB, 1234, 5000, [1, 2, 3], (_, udp) => udp.Checksum = 0));

        Assert.That(_received, Has.Count.EqualTo(1));
        Assert.That(_b.Counters.UdpNoChecksum, Is.EqualTo(1));
    }

    [Test]
    public void DropsAndCountsABadChecksum()
    {
        _b.Interface.Input(Udp(MacA, MacB, IpA, IpB, 1234, 5000, [1, 2, 3], (_, udp) => udp.Checksum ^= 0x0101));

        Assert.That(_received, Is.Empty);
        Assert.That(_b.Counters.UdpBadChecksum, Is.EqualTo(1));
    }

    [Test]
    public void DropsALengthLongerThanTheDatagram()
    {
        byte[] frame = Udp(MacA, MacB, IpA, IpB, 1234, 5000, [1, 2, 3]);
        frame[14 + 20 + 5] = 100; // the UDP length field's low byte

        _b.Interface.Input(frame);

        Assert.That(_received, Is.Empty);
        Assert.That(_b.Counters.UdpBadLength, Is.EqualTo(1));
    }

    [Test]
    public void CountsDatagramsForUnboundPorts()
    {
        _a.SendTo(IpB, 5001, 4000, [1]);
        _wire.Pump();

        Assert.That(_b.Counters.UdpNoPort, Is.EqualTo(1));
        Assert.That(() => _b.Bind(5000, (_, _, _, _) => { }), Throws.InvalidOperationException);
    }

    [Test]
    public void OffloadLeavesThePseudoHeaderSumForTheDriverToComplete()
    {
        _wire.CompleteBlankChecksums = false;
        var sent = new FrameLog();
        _b.Interface.AddTap(sent);

        _a.SendTo(IpB, 5000, 4000, "offload"u8, checksumOffload: true);
        byte[] blank = _log.Out("xennet0").Single();
        _wire.Pump();

        Assert.That(_wire.BlankFrames, Is.EqualTo(1));
        Assert.That(Parse(blank).Extract<UdpPacket>().ValidUdpChecksum, Is.False, "the stack left the sum to the driver");
        Assert.That(_b.Counters.UdpBadChecksum, Is.EqualTo(1), "an uncompleted sum is not a valid one");

        PacketBuffer packet = _wire.Pool.From(blank);
        Assert.That(ChecksumOffload.Complete(packet), Is.True);
        byte[] completed = packet.ToArray();
        packet.Free();
        Assert.That(Parse(completed).Extract<UdpPacket>().ValidUdpChecksum, Is.True);
    }

    [Test]
    public void OffloadedDatagramsArriveWhenTheDriverCompletesThem()
    {
        _a.SendTo(IpB, 5000, 4000, "offload"u8, checksumOffload: true);
        _wire.Pump();

        Assert.That(_wire.BlankFrames, Is.EqualTo(1));
        Assert.That(_received.Single().Payload, Is.EqualTo("offload"u8.ToArray()));
        Assert.That(_b.Counters.UdpBadChecksum, Is.Zero);
    }

    [Test]
    public void TheEchoServiceSendsThePayloadBack()
    {
        _b.EnableUdpEcho();
        var echoed = new List<byte[]>();
        _a.Bind(4000, (from, sp, dp, payload) =>
        {
            Assert.That((from, sp, dp), Is.EqualTo((IpB, IpStack.EchoPort, (ushort)4000)));
            echoed.Add(payload.ToArray());
        });

        _a.SendTo(IpB, IpStack.EchoPort, 4000, "ping-pong"u8);
        _wire.Pump();

        Assert.That(echoed.Single(), Is.EqualTo("ping-pong"u8.ToArray()));
        var reply = Parse(_log.In("xennet0").Single()).Extract<UdpPacket>();
        Assert.That(reply.ValidUdpChecksum, Is.True);
    }

    [Test]
    public void DeliversSubnetBroadcastsAndSendsThemToTheBroadcastMac()
    {
        _a.SendTo(IPv4Address.Parse("10.0.0.255"), 5000, 4000, [5]);
        _wire.Pump();

        var eth = (EthernetPacket)Parse(_log.Out("xennet0").Single());
        Assert.That(Mac(eth.DestinationHardwareAddress), Is.EqualTo(MacAddress.Broadcast));
        Assert.That(_received.Single().Payload, Is.EqualTo(new byte[] { 5 }));
    }
}
