using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;
using PacketDotNet.Utils;
using XvifSim.Guest.Net;

namespace XvifSim.Tests.Guest.Net;

/// <summary>Frames built and parsed by PacketDotNet, an independent implementation, so the stack is checked against more than itself.</summary>
internal static class Frames
{
    public static readonly MacAddress MacA = new(0x00163E000001);
    public static readonly MacAddress MacB = new(0x00163E000002);
    public static readonly MacAddress MacC = new(0x00163E000003);
    public static readonly IPv4Address IpA = IPv4Address.Parse("10.0.0.1");
    public static readonly IPv4Address IpB = IPv4Address.Parse("10.0.0.2");
    public static readonly IPv4Address IpC = IPv4Address.Parse("10.0.0.3");

    public static PhysicalAddress Phys(MacAddress mac)
    {
        byte[] bytes = new byte[6];
        mac.CopyTo(bytes);
        return new PhysicalAddress(bytes);
    }

    public static MacAddress Mac(PhysicalAddress phys) => MacAddress.FromBytes(phys.GetAddressBytes());

    public static IPAddress Ip(IPv4Address ip) => IPAddress.Parse(ip.ToString());

    public static IPv4Address Ip(IPAddress ip) => IPv4Address.FromBytes(ip.GetAddressBytes());

    public static Packet Parse(byte[] frame) => Packet.ParsePacket(LinkLayers.Ethernet, frame);

    public static byte[] ArpRequest(MacAddress senderMac, IPv4Address senderIp, IPv4Address targetIp)
    {
        var arp = new PacketDotNet.ArpPacket(ArpOperation.Request, PhysicalAddress.Parse("00-00-00-00-00-00"), Ip(targetIp), Phys(senderMac), Ip(senderIp));
        var eth = new EthernetPacket(Phys(senderMac), Phys(MacAddress.Broadcast), EthernetType.Arp) { PayloadPacket = arp };
        return eth.Bytes;
    }

    public static byte[] ArpReply(MacAddress senderMac, IPv4Address senderIp, MacAddress targetMac, IPv4Address targetIp)
    {
        var arp = new PacketDotNet.ArpPacket(ArpOperation.Response, Phys(targetMac), Ip(targetIp), Phys(senderMac), Ip(senderIp));
        var eth = new EthernetPacket(Phys(senderMac), Phys(targetMac), EthernetType.Arp) { PayloadPacket = arp };
        return eth.Bytes;
    }

    /// <summary>A UDP datagram with a correct checksum; <paramref name="tweak"/> may damage it afterwards.</summary>
    public static byte[] Udp(MacAddress srcMac, MacAddress dstMac, IPv4Address src, IPv4Address dst, ushort srcPort, ushort dstPort, byte[] payload, Action<IPv4Packet, UdpPacket>? tweak = null)
    {
        var udp = new UdpPacket(srcPort, dstPort) { PayloadData = payload };
        var ip = new IPv4Packet(Ip(src), Ip(dst)) { PayloadPacket = udp, TimeToLive = 64 };
        var eth = new EthernetPacket(Phys(srcMac), Phys(dstMac), EthernetType.IPv4) { PayloadPacket = ip };
        udp.UpdateCalculatedValues();
        ip.UpdateCalculatedValues();
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        tweak?.Invoke(ip, udp);
        return eth.Bytes;
    }

    /// <summary>An ICMP echo request with a correct checksum.</summary>
    public static byte[] EchoRequest(MacAddress srcMac, MacAddress dstMac, IPv4Address src, IPv4Address dst, ushort id, ushort seq, byte[] data, Action<IPv4Packet>? tweak = null)
    {
        byte[] message = new byte[8 + data.Length];
        data.CopyTo(message, 8);
        var icmp = new IcmpV4Packet(new ByteArraySegment(message))
        {
            TypeCode = IcmpV4TypeCode.EchoRequest,
            Id = id,
            Sequence = seq,
        };
        icmp.UpdateIcmpChecksum();
        var ip = new IPv4Packet(Ip(src), Ip(dst)) { PayloadPacket = icmp, TimeToLive = 64 };
        var eth = new EthernetPacket(Phys(srcMac), Phys(dstMac), EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        tweak?.Invoke(ip);
        return eth.Bytes;
    }
}
