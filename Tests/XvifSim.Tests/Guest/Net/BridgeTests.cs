using PacketDotNet;
using XvifSim.Guest.Net;
using static XvifSim.Tests.Guest.Net.Frames;

namespace XvifSim.Tests.Guest.Net;

/// <summary>dom0's bridge0 with three vifs, each cabled to a guest's xennet0 running a stack (10.0.0.1-3); dom0's stack on bridge0 is 10.0.0.254.</summary>
public class BridgeTests
{
    private static readonly MacAddress BridgeMac = new(0xF20B_A400_0001);
    private static readonly IPv4Address Dom0Ip = IPv4Address.Parse("10.0.0.254");

    private Wire _wire = null!;
    private TestClock _clock = null!;
    private FrameLog _log = null!;
    private Bridge _bridge = null!;
    private IpStack _dom0 = null!;
    private NetworkInterface[] _guestIfs = null!;
    private NetworkInterface[] _vifs = null!;
    private IpStack[] _guests = null!;
    private MacAddress[] _guestMacs = null!;

    [SetUp]
    public void SetUp()
    {
        _wire = new Wire();
        _clock = new TestClock();
        _log = new FrameLog();
        _bridge = new Bridge("bridge0", BridgeMac, _clock.Read, _wire.Pool);
        _bridge.Local.IsUp = true;
        _bridge.Local.AddTap(_log);
        _dom0 = new IpStack(_bridge.Local, Dom0Ip, 24, _clock.Read);
        _guestIfs = new NetworkInterface[3];
        _vifs = new NetworkInterface[3];
        _guests = new IpStack[3];
        _guestMacs = [MacA, MacB, MacC];
        IPv4Address[] ips = [IpA, IpB, IpC];
        for (int i = 0; i < 3; i++)
        {
            // NetBSD names the backend xvif<domid>i<handle> and gives it the
            // guest's MAC with octet 3 incremented.
            (_guestIfs[i], _vifs[i]) = _wire.Cable($"g{i + 1}.xennet0", _guestMacs[i], $"xvif{i + 1}i0", new MacAddress(_guestMacs[i].Value + 0x1_000000));
            _guestIfs[i].AddTap(_log);
            _vifs[i].AddTap(_log);
            _guests[i] = new IpStack(_guestIfs[i], ips[i], 24, _clock.Read);
            _bridge.AddMember(_vifs[i]);
        }
    }

    /// <summary>Guest <paramref name="from"/> sends a UDP frame to <paramref name="to"/> (any MAC), bypassing ARP.</summary>
    private void Inject(int from, MacAddress to)
    {
        _guestIfs[from].Send(Udp(_guestMacs[from], to, IpA, IpB, 1, 9, [1]));
        _wire.Pump();
    }

    private int OutCount(string iface) => _log.Out(iface).Count();

    [Test]
    public void FloodsUnknownUnicastToEveryOtherMemberAndLearnsTheSource()
    {
        Inject(0, MacB);

        Assert.Multiple(() =>
        {
            Assert.That(OutCount("xvif1i0"), Is.Zero, "never back out of the port it came in on");
            Assert.That(OutCount("xvif2i0"), Is.EqualTo(1));
            Assert.That(OutCount("xvif3i0"), Is.EqualTo(1));
            Assert.That(_log.In("bridge0"), Is.Empty, "not for bridge0");
            Assert.That(_bridge.Flooded, Is.EqualTo(1));
            Assert.That(_bridge.TryLookup(MacA, out NetworkInterface? port), Is.True);
            Assert.That(port, Is.SameAs(_vifs[0]));
        });
    }

    [Test]
    public void ABroadcastIsFloodedAsOneBufferWithAReferencePerPortAndNoneLeak()
    {
        var seen = new List<(string Port, PacketBuffer Packet, int RefCount)>();
        var tap = new BufferTap(seen);
        foreach (NetworkInterface vif in _vifs)
        {
            vif.AddTap(tap);
        }

        _bridge.Local.AddTap(tap);
        _guestIfs[0].Send(Udp(_guestMacs[0], MacAddress.Broadcast, IpA, IPv4Address.Broadcast, 1, 9, [1]));
        _wire.Pump();

        (string Port, PacketBuffer Packet, int RefCount)[] outs = [.. seen.Where(s => s.Port != "xvif1i0")];
        Assert.Multiple(() =>
        {
            Assert.That(outs.Select(s => s.Port), Is.EquivalentTo(new[] { "xvif2i0", "xvif3i0", "bridge0" }));
            Assert.That(outs.Select(s => s.Packet).Distinct().Count(), Is.EqualTo(1), "every port is handed the buffer xvif1i0 received, not a copy");
            Assert.That(outs.Where(s => s.Port != "bridge0").Select(s => s.RefCount), Has.All.GreaterThan(1), "shared while the bridge floods it");
            Assert.That(_wire.Pool.BuffersInUse, Is.Zero, "the last holder's free returned it to the pool");
            Assert.That(_wire.Pool.ClustersInUse, Is.Zero);
        });
    }

    /// <summary>Remembers which buffer crossed which interface, and how many held it then.</summary>
    private sealed class BufferTap(List<(string Port, PacketBuffer Packet, int RefCount)> seen) : ICaptureTap
    {
        public void Frame(NetworkInterface iface, FrameDirection direction, PacketBuffer packet) => seen.Add((iface.Name, packet, packet.RefCount));
    }

    [Test]
    public void ForwardsKnownUnicastOnlyToItsPort()
    {
        Inject(0, MacB);
        _log.Clear();

        Inject(1, MacA);

        Assert.Multiple(() =>
        {
            Assert.That(OutCount("xvif1i0"), Is.EqualTo(1));
            Assert.That(OutCount("xvif2i0"), Is.Zero);
            Assert.That(OutCount("xvif3i0"), Is.Zero);
            Assert.That(_bridge.Forwarded, Is.EqualTo(1));
        });
    }

    [Test]
    public void DropsAFrameWhoseDestinationIsOnThePortItCameFrom()
    {
        Inject(0, MacB);
        _vifs[0].Input(Udp(MacC, MacA, IpC, IpA, 1, 9, [1]));
        _log.Clear();
        _vifs[0].Input(Udp(MacB, MacA, IpB, IpA, 1, 9, [1]));

        Assert.That(_log.Frames.Where(f => f.Direction == FrameDirection.Out), Is.Empty);
        Assert.That(_bridge.Dropped, Is.EqualTo(2));
    }

    [Test]
    public void FloodsBroadcastAndDeliversItToBridge0()
    {
        Inject(2, MacAddress.Broadcast);

        Assert.Multiple(() =>
        {
            Assert.That(OutCount("xvif1i0"), Is.EqualTo(1));
            Assert.That(OutCount("xvif2i0"), Is.EqualTo(1));
            Assert.That(OutCount("xvif3i0"), Is.Zero);
            Assert.That(_log.In("bridge0").Count(), Is.EqualTo(1));
            Assert.That(_bridge.Local.Counters.InPackets, Is.EqualTo(1));
        });
    }

    [Test]
    public void FloodsMulticastToo()
    {
        Inject(0, new MacAddress(0x01005E000001));

        Assert.That(OutCount("xvif2i0") + OutCount("xvif3i0"), Is.EqualTo(2));
        Assert.That(_log.In("bridge0").Count(), Is.EqualTo(1));
    }

    [Test]
    public void DropsFramesFromAMulticastSourceWithoutLearning()
    {
        var bogus = new MacAddress(0x0300_0000_0001);
        _vifs[0].Input(Udp(bogus, MacAddress.Broadcast, IpA, IpB, 1, 9, [1]));

        Assert.That(_log.Frames.Where(f => f.Direction == FrameDirection.Out), Is.Empty);
        Assert.That(_bridge.TryLookup(bogus, out _), Is.False);
        Assert.That(_bridge.Dropped, Is.EqualTo(1));
    }

    [Test]
    public void LearnedAddressesAgeOut()
    {
        Inject(0, MacB);
        _clock.Advance(_bridge.AgingTimeNs - 1);
        Assert.That(_bridge.TryLookup(MacA, out _), Is.True);
        _clock.Advance(1);
        Assert.That(_bridge.TryLookup(MacA, out _), Is.False);
        Assert.That(_bridge.AddressCount, Is.EqualTo(0), "an aged entry is removed when found");
        _log.Clear();

        _vifs[1].Input(Udp(MacB, MacA, IpB, IpA, 1, 9, [1]));

        Assert.That(OutCount("xvif1i0") + OutCount("xvif3i0"), Is.EqualTo(2), "flooded again");
    }

    [Test]
    public void RelearnsAStationThatMoved()
    {
        Inject(0, MacB);
        _vifs[2].Input(Udp(MacA, MacAddress.Broadcast, IpA, IpB, 1, 9, [1]));

        Assert.That(_bridge.TryLookup(MacA, out NetworkInterface? port), Is.True);
        Assert.That(port, Is.SameAs(_vifs[2]));
    }

    [Test]
    public void StopsLearningWhenTheTableIsFullOfLiveEntries()
    {
        var small = new Bridge("bridge1", BridgeMac, _clock.Read, _wire.Pool, maxAddresses: 2) { Local = { IsUp = true } };
        NetworkInterface port = _wire.Unplugged("xvif9i0", new MacAddress(0x00163E090000));
        small.AddMember(port);
        port.Input(Udp(MacA, MacAddress.Broadcast, IpA, IpB, 1, 9, [1]));
        port.Input(Udp(MacB, MacAddress.Broadcast, IpA, IpB, 1, 9, [1]));
        port.Input(Udp(MacC, MacAddress.Broadcast, IpA, IpB, 1, 9, [1]));
        Assert.That(small.LearnFailures, Is.EqualTo(1));
        Assert.That(small.TryLookup(MacC, out _), Is.False);

        _clock.Advance(small.AgingTimeNs);
        port.Input(Udp(MacC, MacAddress.Broadcast, IpA, IpB, 1, 9, [1]));
        Assert.That(small.TryLookup(MacC, out _), Is.True, "aged entries make room");
        Assert.That(small.AddressCount, Is.EqualTo(1));
    }

    [Test]
    public void DeliversFramesForBridge0OnlyToBridge0()
    {
        Inject(0, BridgeMac);

        Assert.That(_log.In("bridge0").Count(), Is.EqualTo(1));
        Assert.That(OutCount("xvif2i0") + OutCount("xvif3i0"), Is.Zero);
        Assert.That(_bridge.Forwarded + _bridge.Flooded, Is.Zero);
    }

    [Test]
    public void Dom0PingsAGuestThroughTheBridge()
    {
        Assert.That(_dom0.Ping(IpB, 0x77, 1, 56), Is.EqualTo(IpOutputStatus.Queued));
        _wire.Pump();

        Assert.That(_dom0.Counters.IcmpEchoRepliesReceived, Is.EqualTo(1));
        var onBridge0 = _log.Frames.Where(f => f.Interface == "bridge0").ToArray();
        Assert.That(onBridge0.Select(f => f.Direction), Is.EqualTo(new[] { FrameDirection.Out, FrameDirection.In, FrameDirection.Out, FrameDirection.In }));
        var reply = Parse(onBridge0[3].Frame).Extract<IcmpV4Packet>();
        Assert.That(reply.TypeCode, Is.EqualTo(IcmpV4TypeCode.EchoReply));
        Assert.That(reply.ValidIcmpChecksum, Is.True);
        Assert.That(OutCount("xvif1i0") + OutCount("xvif3i0"), Is.EqualTo(2), "only the ARP request was flooded");
        Assert.That(OutCount("xvif2i0"), Is.EqualTo(2));
        Assert.That(_bridge.Local.Counters.OutPackets, Is.EqualTo(2));
        Assert.That(_bridge.Local.Counters.InPackets, Is.EqualTo(2));

        // And back: the guest can ping dom0 (its cache already knows bridge0).
        Assert.That(_guests[1].Ping(Dom0Ip, 1, 1, 8), Is.EqualTo(IpOutputStatus.Sent));
        _wire.Pump();
        Assert.That(_guests[1].Counters.IcmpEchoRepliesReceived, Is.EqualTo(1));
    }

    [Test]
    public void GuestsPingEachOtherAndEveryCounterAddsUp()
    {
        for (ushort seq = 1; seq <= 5; seq++)
        {
            _guests[0].Ping(IpC, 1, seq, 56);
            _guests[2].Ping(IpA, 2, seq, 56);
            _dom0.Ping(IpB, 3, seq, 56);
            _wire.Pump();
        }

        Assert.That(_guests[0].Counters.IcmpEchoRepliesReceived, Is.EqualTo(5));
        Assert.That(_guests[2].Counters.IcmpEchoRepliesReceived, Is.EqualTo(5));
        Assert.That(_dom0.Counters.IcmpEchoRepliesReceived, Is.EqualTo(5));
        for (int i = 0; i < 3; i++)
        {
            InterfaceCounters guest = _guestIfs[i].Counters;
            InterfaceCounters vif = _vifs[i].Counters;
            Assert.That(vif.InPackets, Is.EqualTo(guest.OutPackets), $"cable {i}: guest to vif");
            Assert.That(vif.InBytes, Is.EqualTo(guest.OutBytes));
            Assert.That(guest.InPackets, Is.EqualTo(vif.OutPackets), $"cable {i}: vif to guest");
            Assert.That(guest.InBytes, Is.EqualTo(vif.OutBytes));
        }

        // Each frame into the bridge is forwarded to one port, flooded,
        // dropped, or (unicast to bridge0) only goes up bridge0; multicast is
        // both flooded and goes up. Every unicast dom0 sends here is to a
        // learned port, so its floods are exactly its broadcasts.
        long multicastFromMembers = _log.Frames.Count(f => f.Interface.StartsWith("xvif", StringComparison.Ordinal)
            && f.Direction == FrameDirection.In && IsMulticast(f.Frame));
        long floodsFromBridge0 = _log.Out("bridge0").Count(IsMulticast);
        long intoBridge = _vifs.Sum(v => v.Counters.InPackets) + _bridge.Local.Counters.OutPackets;
        long unicastUpBridge0 = _bridge.Local.Counters.InPackets - multicastFromMembers;
        Assert.That(_bridge.Forwarded + _bridge.Flooded + _bridge.Dropped + unicastUpBridge0, Is.EqualTo(intoBridge));
        Assert.That(_bridge.Dropped, Is.Zero);
        // A flood from a member reaches the two others; one from bridge0 all three.
        long floodsFromMembers = _bridge.Flooded - floodsFromBridge0;
        Assert.That(_vifs.Sum(v => v.Counters.OutPackets), Is.EqualTo(_bridge.Forwarded + 2 * floodsFromMembers + 3 * floodsFromBridge0));
    }

    private static bool IsMulticast(byte[] frame) => Mac(((EthernetPacket)Parse(frame)).DestinationHardwareAddress).IsMulticast;

    [Test]
    public void AMemberThatIsNotRunningDropsAndCounts()
    {
        _vifs[2].IsRunning = false;

        Inject(0, MacAddress.Broadcast);

        Assert.That(_vifs[2].Counters.OutDrops, Is.EqualTo(1));
        Assert.That(_vifs[1].Counters.OutPackets, Is.EqualTo(1));
    }

    [Test]
    public void FloodCopiesAPortRefusesAreCountedByKindBesideThePortsOutDrops()
    {
        // One broadcast (an ARP request) and one unknown unicast, each flooded
        // to the two other ports, one of which is not running: each refused
        // copy is the port's drop and the bridge says which kind of flood it was.
        _vifs[2].IsRunning = false;

        Inject(0, MacAddress.Broadcast);
        Inject(0, MacB);

        Assert.Multiple(() =>
        {
            Assert.That(_vifs[2].Counters.OutDrops, Is.EqualTo(2), "the port's own count");
            Assert.That(_bridge.BroadcastCopiesRefused, Is.EqualTo(1));
            Assert.That(_bridge.UnknownUnicastCopiesRefused, Is.EqualTo(1));
            Assert.That(_vifs[1].Counters.OutPackets, Is.EqualTo(2), "the running port took both copies");
        });

        // Known unicast refused by its port is the port's drop alone: no flood copy.
        _vifs[2].IsRunning = true;
        Inject(2, MacA);
        _vifs[0].IsRunning = false;
        Inject(1, MacA);
        Assert.That(_vifs[0].Counters.OutDrops, Is.EqualTo(1));
        Assert.That(_bridge.BroadcastCopiesRefused + _bridge.UnknownUnicastCopiesRefused, Is.EqualTo(2));
    }

    [Test]
    public void ABridgeThatIsDownForwardsNothing()
    {
        _bridge.Local.IsUp = false;

        Inject(0, MacAddress.Broadcast);

        Assert.That(_log.Frames.Where(f => f.Direction == FrameDirection.Out && f.Interface != "g1.xennet0"), Is.Empty);
        Assert.That(_bridge.Dropped, Is.EqualTo(1));
    }

    [Test]
    public void RemovingAMemberDetachesItAndForgetsItsAddresses()
    {
        Inject(0, MacB);

        _bridge.RemoveMember(_vifs[0]);

        Assert.That(_vifs[0].Receiver, Is.Null);
        Assert.That(_bridge.Members, Is.EqualTo(new[] { _vifs[1], _vifs[2] }));
        Assert.That(_bridge.TryLookup(MacA, out _), Is.False);
        Assert.That(() => _bridge.AddMember(_vifs[1]), Throws.InvalidOperationException);
    }
}
