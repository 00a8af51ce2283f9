using PacketDotNet;
using XvifSim.Guest.Net;
using static XvifSim.Tests.Guest.Net.Frames;

namespace XvifSim.Tests.Guest.Net;

public class ArpTests
{
    private Wire _wire = null!;
    private TestClock _clock = null!;
    private FrameLog _log = null!;
    private NetworkInterface _iface = null!;
    private IpStack _stack = null!;

    [SetUp]
    public void SetUp()
    {
        _wire = new Wire();
        _clock = new TestClock();
        _log = new FrameLog();
        _iface = _wire.Unplugged("xennet0", MacA);
        _iface.AddTap(_log);
        _stack = new IpStack(_iface, IpA, 24, _clock.Read);
    }

    [Test]
    public void AnswersARequestForItsAddressWithTheRightFields()
    {
        _iface.Input(ArpRequest(MacB, IpB, IpA));

        byte[] sent = _log.Out("xennet0").Single();
        var eth = (EthernetPacket)Parse(sent);
        var arp = eth.Extract<PacketDotNet.ArpPacket>();
        Assert.Multiple(() =>
        {
            Assert.That(Mac(eth.DestinationHardwareAddress), Is.EqualTo(MacB));
            Assert.That(Mac(eth.SourceHardwareAddress), Is.EqualTo(MacA));
            Assert.That(eth.Type, Is.EqualTo(EthernetType.Arp));
            Assert.That(arp.Operation, Is.EqualTo(ArpOperation.Response));
            Assert.That(arp.HardwareAddressType, Is.EqualTo(LinkLayers.Ethernet));
            Assert.That(arp.ProtocolAddressType, Is.EqualTo(EthernetType.IPv4));
            Assert.That(Mac(arp.SenderHardwareAddress), Is.EqualTo(MacA));
            Assert.That(Ip(arp.SenderProtocolAddress), Is.EqualTo(IpA));
            Assert.That(Mac(arp.TargetHardwareAddress), Is.EqualTo(MacB));
            Assert.That(Ip(arp.TargetProtocolAddress), Is.EqualTo(IpB));
            Assert.That(_stack.Counters.ArpRequestsReceived, Is.EqualTo(1));
            Assert.That(_stack.Counters.ArpRepliesSent, Is.EqualTo(1));
        });
    }

    [Test]
    public void IgnoresRequestsForOtherAddressesAndDoesNotCacheTheirSenders()
    {
        _iface.Input(ArpRequest(MacB, IpB, IpC));

        Assert.That(_log.Out("xennet0"), Is.Empty);
        Assert.That(_stack.TryGetArpEntry(IpB, out _), Is.False);
        Assert.That(_stack.ArpEntryCount, Is.Zero);
    }

    [Test]
    public void ARequestForUsFillsTheCacheUntilTheEntryExpires()
    {
        _iface.Input(ArpRequest(MacB, IpB, IpA));

        Assert.That(_stack.TryGetArpEntry(IpB, out MacAddress mac), Is.True);
        Assert.That(mac, Is.EqualTo(MacB));

        _clock.Advance(_stack.ArpLifetimeNs - 1);
        Assert.That(_stack.TryGetArpEntry(IpB, out _), Is.True);
        _clock.Advance(1);
        Assert.That(_stack.TryGetArpEntry(IpB, out _), Is.False);

        _stack.Poll();
        Assert.That(_stack.ArpEntryCount, Is.Zero);
        Assert.That(_stack.Counters.ArpExpired, Is.EqualTo(1));
    }

    [Test]
    public void AnExpiredEntryIsAskedForAgainBeforeUse()
    {
        _iface.Input(ArpRequest(MacB, IpB, IpA));
        _clock.Advance(_stack.ArpLifetimeNs);
        _log.Clear();

        Assert.That(_stack.SendTo(IpB, 9, 9, [1]), Is.EqualTo(IpOutputStatus.Queued));

        var arp = Parse(_log.Out("xennet0").Single()).Extract<PacketDotNet.ArpPacket>();
        Assert.That(arp.Operation, Is.EqualTo(ArpOperation.Request));
        Assert.That(Ip(arp.TargetProtocolAddress), Is.EqualTo(IpB));
    }

    [Test]
    public void HoldsOnePacketPerAddressAndSendsItOnceResolved()
    {
        Assert.That(_stack.SendTo(IpB, 9, 1000, [1]), Is.EqualTo(IpOutputStatus.Queued));
        Assert.That(_stack.SendTo(IpB, 9, 1000, [2]), Is.EqualTo(IpOutputStatus.Queued));

        byte[][] requests = _log.Out("xennet0").ToArray();
        Assert.That(requests, Has.Length.EqualTo(1), "the second send within a second does not ask again");
        var request = (EthernetPacket)Parse(requests[0]);
        var arp = request.Extract<PacketDotNet.ArpPacket>();
        Assert.Multiple(() =>
        {
            Assert.That(Mac(request.DestinationHardwareAddress), Is.EqualTo(MacAddress.Broadcast));
            Assert.That(arp.Operation, Is.EqualTo(ArpOperation.Request));
            Assert.That(Mac(arp.SenderHardwareAddress), Is.EqualTo(MacA));
            Assert.That(Ip(arp.SenderProtocolAddress), Is.EqualTo(IpA));
            Assert.That(Mac(arp.TargetHardwareAddress), Is.EqualTo(default(MacAddress)));
            Assert.That(Ip(arp.TargetProtocolAddress), Is.EqualTo(IpB));
            Assert.That(_stack.Counters.ArpHoldReplaced, Is.EqualTo(1));
        });

        _log.Clear();
        _iface.Input(ArpReply(MacB, IpB, MacA, IpA));

        byte[] held = _log.Out("xennet0").Single();
        var eth = (EthernetPacket)Parse(held);
        var udp = eth.Extract<UdpPacket>();
        Assert.That(Mac(eth.DestinationHardwareAddress), Is.EqualTo(MacB));
        Assert.That(udp.PayloadData, Is.EqualTo(new byte[] { 2 }), "the newest datagram is the one held");
        Assert.That(_stack.TryGetArpEntry(IpB, out _), Is.True);
    }

    [Test]
    public void RetriesOncePerIntervalThenGivesUpAndDropsTheHeldPacket()
    {
        _stack.SendTo(IpB, 9, 1000, [1]);
        for (int i = 0; i < 10; i++)
        {
            _clock.Advance(_stack.ArpRetryIntervalNs);
            _stack.Poll();
        }

        Assert.That(_stack.Counters.ArpRequestsSent, Is.EqualTo(_stack.ArpMaxTries));
        Assert.That(_log.Out("xennet0").Count(), Is.EqualTo(_stack.ArpMaxTries));
        Assert.That(_stack.Counters.ArpResolveFailed, Is.EqualTo(1));
        Assert.That(_stack.ArpEntryCount, Is.Zero);

        _iface.Input(ArpReply(MacB, IpB, MacA, IpA));
        Assert.That(_log.Out("xennet0").Count(), Is.EqualTo(_stack.ArpMaxTries), "the held datagram went with the entry");
    }

    [Test]
    public void AReplyForAnAddressWeDidNotAskAboutIsNotCached()
    {
        _iface.Input(ArpReply(MacC, IpC, MacB, IpB));
        Assert.That(_stack.TryGetArpEntry(IpC, out _), Is.False);
    }

    [Test]
    public void IgnoresAnotherHostClaimingOurAddress()
    {
        _iface.Input(ArpRequest(MacB, IpA, IpA));

        Assert.That(_log.Out("xennet0"), Is.Empty);
        Assert.That(_stack.Counters.ArpInvalid, Is.EqualTo(1));
    }

    [Test]
    public void AFullCacheReusesTheEntryClosestToExpiry()
    {
        var stack = new IpStack(_wire.Unplugged("xennet1", MacC), IpC, 24, _clock.Read, arpCacheSize: 2);
        stack.Interface.Input(ArpRequest(MacA, IpA, IpC));
        _clock.Advance(TestClock.Second);
        stack.Interface.Input(ArpRequest(MacB, IpB, IpC));
        _clock.Advance(TestClock.Second);
        stack.Interface.Input(ArpRequest(new MacAddress(0x00163E000004), IPv4Address.Parse("10.0.0.4"), IpC));

        Assert.That(stack.ArpEntryCount, Is.EqualTo(2));
        Assert.That(stack.TryGetArpEntry(IpA, out _), Is.False);
        Assert.That(stack.TryGetArpEntry(IpB, out _), Is.True);
    }
}
