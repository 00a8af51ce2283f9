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
/// Per-frame paths do not allocate: frames are built in place in packet
/// buffers from the interface's pool (headers written into the first
/// cluster, the data after them) and parsed in place; a frame whose headers
/// do not lie in its first segment is dropped and counted (HeadersSplit)
/// where NetBSD would m_pullup it. Everything runs on the owning domain's vCPU.
/// </summary>
public sealed partial class IpStack
{
    /// <summary>Where a chained datagram's payload is gathered for a UDP handler, which takes one span (soreceive's copy to the reader).</summary>
    private readonly byte[] _gather = new byte[EthernetFrame.MaxFrameLength];
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

    private void Input(NetworkInterface iface, PacketBuffer packet)
    {
        if (packet.Length < EthernetFrame.HeaderLength)
        {
            Counters.EtherTooShort++;
            iface.Counters.InErrors++;
            return;
        }

        if (!packet.TryHead(EthernetFrame.HeaderLength, out Span<byte> frame))
        {
            Counters.HeadersSplit++;
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

        switch (EthernetFrame.Type(frame))
        {
            case EthernetFrame.TypeArp:
                ArpInput(packet.Data(0)[EthernetFrame.HeaderLength..]);
                break;
            case EthernetFrame.TypeIPv4:
                IpInput(packet);
                break;
            default:
                Counters.EtherUnknownType++;
                break;
        }
    }

    private void IpInput(PacketBuffer packet)
    {
        Counters.IpReceived++;
        int ipLength = packet.Length - EthernetFrame.HeaderLength;
        if (ipLength < IPv4Header.MinLength)
        {
            Counters.IpBadHeader++;
            return;
        }

        if (!packet.TryHead(EthernetFrame.HeaderLength + IPv4Header.MinLength, out Span<byte> head))
        {
            Counters.HeadersSplit++;
            return;
        }

        ReadOnlySpan<byte> ip = head[EthernetFrame.HeaderLength..];
        if (IPv4Header.Version(ip) != 4)
        {
            Counters.IpBadHeader++;
            return;
        }

        int headerLength = IPv4Header.HeaderLength(ip);
        int totalLength = IPv4Header.TotalLength(ip);
        // The frame may be longer than the datagram (Ethernet pads to 60
        // bytes), never shorter (RFC 791: total length covers header and data).
        if (headerLength < IPv4Header.MinLength || totalLength < headerLength || totalLength > ipLength)
        {
            Counters.IpBadHeader++;
            return;
        }

        if (!packet.TryHead(EthernetFrame.HeaderLength + headerLength, out head))
        {
            Counters.HeadersSplit++;
            return;
        }

        ip = head[EthernetFrame.HeaderLength..];
        if (!InternetChecksum.Verifies(InternetChecksum.Add(0, ip)))
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
        var data = new Datagram(packet, EthernetFrame.HeaderLength + headerLength, totalLength - headerLength);
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

    /// <summary>
    /// A buffer for an IPv4 frame carrying <paramref name="dataLength"/> bytes
    /// after its headers, from the interface's pool; false (counted, and as a
    /// drop on the interface) when the pool is exhausted.
    /// </summary>
    private bool TryBuild(int dataLength, out PacketBuffer packet)
    {
        if (Interface.Pool.TryAllocate(DataOffset + dataLength, out packet))
        {
            return true;
        }

        Counters.NoBuffers++;
        Interface.Counters.OutDrops++;
        return false;
    }

    /// <summary>Where an IPv4 datagram's data starts in a frame this stack builds (it writes no IP options).</summary>
    private const int DataOffset = EthernetFrame.HeaderLength + IPv4Header.MinLength;

    /// <summary>
    /// Writes the IP header in front of the <paramref name="dataLength"/> bytes
    /// already in <paramref name="packet"/> and sends or holds the frame (the
    /// packet's reference goes with it).
    /// </summary>
    private IpOutputStatus IpOutput(PacketBuffer packet, IPv4Address destination, byte protocol, int dataLength, bool checksumBlank)
    {
        int totalLength = IPv4Header.MinLength + dataLength;
        packet.TryHead(DataOffset, out Span<byte> head);
        IPv4Header.Write(head[EthernetFrame.HeaderLength..], totalLength, _nextIdentification++, protocol, Address, destination);
        Counters.IpSent++;
        if (destination == IPv4Address.Broadcast || destination == SubnetBroadcast)
        {
            return Transmit(packet, MacAddress.Broadcast, EthernetFrame.TypeIPv4, checksumBlank);
        }

        return ArpResolveAndSend(packet, destination, checksumBlank);
    }

    /// <summary>Fills in the Ethernet header of <paramref name="packet"/> and hands it (and its reference) to the interface.</summary>
    private IpOutputStatus Transmit(PacketBuffer packet, MacAddress destination, ushort type, bool checksumBlank)
    {
        packet.TryHead(EthernetFrame.HeaderLength, out Span<byte> header);
        EthernetFrame.WriteHeader(header, destination, Interface.Mac, type);
        return Interface.Send(packet, checksumBlank) ? IpOutputStatus.Sent : IpOutputStatus.Dropped;
    }

    private static ushort ReadU16(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
}
