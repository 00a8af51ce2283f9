using PacketDotNet;
using XvifSim.Guest.Net;
using static XvifSim.Tests.Guest.Net.Frames;

namespace XvifSim.Tests.Guest.Net;

public class IpInputTests
{
    private FrameLog _log = null!;
    private IpStack _stack = null!;
    private int _delivered;

    [SetUp]
    public void SetUp()
    {
        var wire = new Wire();
        _log = new FrameLog();
        NetworkInterface iface = wire.Unplugged("xennet0", MacB);
        iface.AddTap(_log);
        _stack = new IpStack(iface, IpB, 24, new TestClock().Read);
        _delivered = 0;
        _stack.Bind(5000, (_, _, _, _) => _delivered++);
    }

    [Test]
    public void DropsABadHeaderChecksum()
    {
        _stack.Interface.Input(Udp(MacA, MacB, IpA, IpB, 1, 5000, [1], (ip, _) => ip.Checksum ^= 0x0001));

        Assert.That(_stack.Counters.IpBadChecksum, Is.EqualTo(1));
        Assert.That(_delivered, Is.Zero);
    }

    [Test]
    public void DropsFragments()
    {
        _stack.Interface.Input(Udp(MacA, MacB, IpA, IpB, 1, 5000, [1], (ip, _) =>
        {
            ip.FragmentFlags = 1; // MF
            ip.UpdateIPChecksum();
        }));
        _stack.Interface.Input(Udp(MacA, MacB, IpA, IpB, 1, 5000, [1], (ip, _) =>
        {
            ip.FragmentOffset = 185;
            ip.UpdateIPChecksum();
        }));

        Assert.That(_stack.Counters.IpFragmentsDropped, Is.EqualTo(2));
        Assert.That(_delivered, Is.Zero);
    }

    [Test]
    public void IgnoresFramesForOtherMacs()
    {
        _stack.Interface.Input(Udp(MacA, MacC, IpA, IpB, 1, 5000, [1]));
        _stack.Interface.Input(Udp(MacA, new MacAddress(0x01005E000001), IpA, IpB, 1, 5000, [1]));

        Assert.That(_stack.Counters.EtherNotForUs, Is.EqualTo(2));
        Assert.That(_stack.Counters.IpReceived, Is.Zero);
        Assert.That(_delivered, Is.Zero);
    }

    [Test]
    public void IgnoresDatagramsForOtherAddresses()
    {
        _stack.Interface.Input(Udp(MacA, MacB, IpA, IpC, 1, 5000, [1]));

        Assert.That(_stack.Counters.IpNotForUs, Is.EqualTo(1));
        Assert.That(_delivered, Is.Zero);
    }

    [Test]
    public void AcceptsEthernetPaddingAfterTheDatagram()
    {
        byte[] frame = Udp(MacA, MacB, IpA, IpB, 1, 5000, [1]);
        Array.Resize(ref frame, 60);

        _stack.Interface.Input(frame);

        Assert.That(_delivered, Is.EqualTo(1));
    }

    [Test]
    public void DropsTruncatedAndMalformedHeaders()
    {
        byte[] frame = Udp(MacA, MacB, IpA, IpB, 1, 5000, [1, 2, 3, 4]);
        _stack.Interface.Input(frame.AsSpan(0, frame.Length - 2));
        _stack.Interface.Input(frame.AsSpan(0, 14 + 10));
        _stack.Interface.Input(frame.AsSpan(0, 10));

        Assert.That(_stack.Counters.IpBadHeader, Is.EqualTo(2));
        Assert.That(_stack.Counters.EtherTooShort, Is.EqualTo(1));
        Assert.That(_stack.Interface.Counters.InErrors, Is.EqualTo(1));
        Assert.That(_delivered, Is.Zero);
    }

    [Test]
    public void CountsUnknownProtocolsAndEtherTypes()
    {
        _stack.Interface.Input(Udp(MacA, MacB, IpA, IpB, 1, 5000, [1], (ip, _) =>
        {
            ip.Protocol = ProtocolType.Tcp;
            ip.UpdateIPChecksum();
        }));
        var ipv6 = new EthernetPacket(Phys(MacA), Phys(MacB), EthernetType.IPv6) { PayloadData = new byte[40] };
        _stack.Interface.Input(ipv6.Bytes);

        Assert.That(_stack.Counters.IpUnknownProtocol, Is.EqualTo(1));
        Assert.That(_stack.Counters.EtherUnknownType, Is.EqualTo(1));
        Assert.That(_log.Out("xennet0"), Is.Empty);
    }
}
