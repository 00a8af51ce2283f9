using System.Buffers.Binary;

namespace XvifSim.Guest.Net;

/// <summary>
/// A small IPv4 host stack bound to one <see cref="NetworkInterface"/>: Ethernet
/// II, ARP (RFC 826), IPv4 (RFC 791), ICMP echo (RFC 792) and UDP (RFC 768).
///
/// Supported: one address on one on-link subnet; ARP with a cache, expiry,
/// one held datagram per unresolved address and bounded retries; answering
/// echo requests and pinging; UDP bind, send (checksum computed or left to
/// the driver) and an echo service. Not supported: gateways and routes,
/// loopback, IP options on output, fragmentation and reassembly (fragments
/// are dropped and counted), ICMP errors (unreachable ports and protocols
/// are only counted), multicast groups, TCP.
///
/// Timers are kept out by design: the stack reads the vCPU clock it is
/// given but never arms one. ARP retries and expiry run when the owner calls
/// <see cref="Poll"/> (NetBSD runs its ARP timer once a second), and a ping
/// that gets no reply simply reports nothing; callers compare
/// <see cref="IpStackCounters.IcmpEchoRequestsSent"/> with replies. This keeps
/// a deterministic scenario in charge of when time-driven work happens.
///
/// Per-frame paths do not allocate: frames are built in one preallocated
/// transmit buffer and parsed in place. Everything runs on the owning
/// domain's vCPU.
/// </summary>
public sealed partial class IpStack
{
    private readonly byte[] _tx = new byte[EthernetFrame.MaxFrameLength];
    private readonly Func<ulong> _clockNs;
    private ushort _nextIdentification;

    /// <param name="iface">The interface; the stack becomes its receiver.</param>
    /// <param name="address">The stack's address.</param>
    /// <param name="prefixLength">The subnet's prefix length (24 for a /24).</param>
    /// <param name="clockNs">The vCPU's system time in nanoseconds, e.g. <c>() => kernel.Hypercalls.Vcpu.SystemTimeNs</c>.</param>
    /// <param name="arpCacheSize">ARP cache slots, all preallocated.</param>
    public IpStack(NetworkInterface iface, IPv4Address address, int prefixLength, Func<ulong> clockNs, int arpCacheSize = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(arpCacheSize, 1);
        Interface = iface;
        Address = address;
        Netmask = IPv4Address.Netmask(prefixLength);
        _clockNs = clockNs;
        _arp = new ArpEntry[arpCacheSize];
        for (int i = 0; i < _arp.Length; i++)
        {
            _arp[i] = new ArpEntry();
        }

        iface.Receiver = Input;
    }

    /// <summary>The interface the stack sends and receives on.</summary>
    public NetworkInterface Interface { get; }

    /// <summary>The stack's own address.</summary>
    public IPv4Address Address { get; }

    /// <summary>The subnet mask from the prefix length.</summary>
    public IPv4Address Netmask { get; }

    /// <summary>The subnet's directed broadcast address (RFC 919), e.g. 10.0.0.255 for 10.0.0.1/24.</summary>
    public IPv4Address SubnetBroadcast => new(Address.Value | ~Netmask.Value);

    /// <summary>What the stack counted, by protocol and reason.</summary>
    public IpStackCounters Counters { get; } = new();

    /// <summary>Runs ARP's timer work (retries, giving up, expiry); call it about once a second.</summary>
    public void Poll() => ArpTimer(_clockNs());

    private void Input(NetworkInterface iface, ReadOnlySpan<byte> frame)
    {
        if (frame.Length < EthernetFrame.HeaderLength)
        {
            Counters.EtherTooShort++;
            iface.Counters.InErrors++;
            return;
        }

        // Not promiscuous: only our unicast address and broadcast (we join no
        // multicast groups), as ether_input filters without IFF_PROMISC.
        MacAddress destination = EthernetFrame.Destination(frame);
        if (destination != iface.Mac && destination != MacAddress.Broadcast)
        {
            Counters.EtherNotForUs++;
            return;
        }

        ReadOnlySpan<byte> payload = frame[EthernetFrame.HeaderLength..];
        switch (EthernetFrame.Type(frame))
        {
            case EthernetFrame.TypeArp:
                ArpInput(payload);
                break;
            case EthernetFrame.TypeIPv4:
                IpInput(payload);
                break;
            default:
                Counters.EtherUnknownType++;
                break;
        }
    }

    private void IpInput(ReadOnlySpan<byte> ip)
    {
        Counters.IpReceived++;
        if (ip.Length < IPv4Header.MinLength || IPv4Header.Version(ip) != 4)
        {
            Counters.IpBadHeader++;
            return;
        }

        int headerLength = IPv4Header.HeaderLength(ip);
        int totalLength = IPv4Header.TotalLength(ip);
        // The frame may be longer than the datagram (Ethernet pads to 60
        // bytes), never shorter (RFC 791: total length covers header and data).
        if (headerLength < IPv4Header.MinLength || totalLength < headerLength || totalLength > ip.Length)
        {
            Counters.IpBadHeader++;
            return;
        }

        if (!InternetChecksum.Verifies(InternetChecksum.Add(0, ip[..headerLength])))
        {
            Counters.IpBadChecksum++;
            return;
        }

        IPv4Address destination = IPv4Header.Destination(ip);
        bool broadcast = destination == IPv4Address.Broadcast || destination == SubnetBroadcast;
        if (destination != Address && !broadcast)
        {
            Counters.IpNotForUs++;
            return;
        }

        if ((IPv4Header.FlagsFragment(ip) & (IPv4Header.MoreFragments | IPv4Header.FragmentOffsetMask)) != 0)
        {
            Counters.IpFragmentsDropped++;
            return;
        }

        IPv4Address source = IPv4Header.Source(ip);
        ReadOnlySpan<byte> data = ip[headerLength..totalLength];
        switch (IPv4Header.Protocol(ip))
        {
            case IPv4Header.ProtocolIcmp:
                IcmpInput(source, broadcast, data);
                break;
            case IPv4Header.ProtocolUdp:
                UdpInput(source, destination, data);
                break;
            default:
                Counters.IpUnknownProtocol++;
                break;
        }
    }

    /// <summary>
    /// True if a datagram to <paramref name="destination"/> can go out: on-link
    /// unicast other than ourselves, or a broadcast address. Counted otherwise.
    /// </summary>
    private bool Routable(IPv4Address destination)
    {
        bool onLink = (destination.Value & Netmask.Value) == (Address.Value & Netmask.Value);
        if (destination == Address || (!onLink && destination != IPv4Address.Broadcast))
        {
            Counters.IpNoRoute++;
            return false;
        }

        return true;
    }

    /// <summary>True if a datagram carrying <paramref name="dataLength"/> bytes fits the MTU (we never fragment); counted otherwise.</summary>
    private bool Fits(int dataLength)
    {
        if (IPv4Header.MinLength + dataLength > Interface.Mtu)
        {
            Counters.IpTooLarge++;
            return false;
        }

        return true;
    }

    private Span<byte> TxData(int dataLength) => _tx.AsSpan(EthernetFrame.HeaderLength + IPv4Header.MinLength, dataLength);

    /// <summary>
    /// Writes the IP and Ethernet headers around the <paramref name="dataLength"/>
    /// bytes already in <see cref="TxData"/> and sends or holds the frame.
    /// </summary>
    private IpOutputStatus IpOutput(IPv4Address destination, byte protocol, int dataLength, bool checksumBlank)
    {
        int totalLength = IPv4Header.MinLength + dataLength;
        IPv4Header.Write(_tx.AsSpan(EthernetFrame.HeaderLength), totalLength, _nextIdentification++, protocol, Address, destination);
        Counters.IpSent++;
        int frameLength = EthernetFrame.HeaderLength + totalLength;
        if (destination == IPv4Address.Broadcast || destination == SubnetBroadcast)
        {
            return Transmit(MacAddress.Broadcast, EthernetFrame.TypeIPv4, frameLength, checksumBlank);
        }

        return ArpResolveAndSend(destination, frameLength, checksumBlank);
    }

    /// <summary>Fills in the Ethernet header of the frame in the transmit buffer and hands it to the interface.</summary>
    private IpOutputStatus Transmit(MacAddress destination, ushort type, int frameLength, bool checksumBlank)
    {
        EthernetFrame.WriteHeader(_tx, destination, Interface.Mac, type);
        return Interface.Send(_tx.AsSpan(0, frameLength), checksumBlank) ? IpOutputStatus.Sent : IpOutputStatus.Dropped;
    }

    private static ushort ReadU16(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
}
