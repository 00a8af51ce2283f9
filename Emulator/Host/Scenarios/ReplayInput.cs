using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using PacketDotNet;
using PacketDotNet.Utils;
using SharpPcap;
using SharpPcap.LibPcap;
using XvifSim.Guest.Net;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// The replay scenario's default input, built with PacketDotNet (an
/// implementation independent of the guest stack) and written with SharpPcap:
/// from guest1 (10.0.0.2) to guest2 (10.0.0.3), an ARP who-has, an ICMP echo
/// request and a UDP datagram to the echo port, each of which guest2 answers.
/// Timestamps are fixed, so the file is the same bytes every run.
/// </summary>
internal static class ReplayInput
{
    public const ushort EchoIdentifier = 0x7e01;
    public const ushort UdpSourcePort = 40001;
    public static readonly byte[] UdpPayload = Encoding.ASCII.GetBytes("replayed by xvifsim from a pcap");

    /// <summary>Writes the three frames to <paramref name="path"/>, one millisecond apart.</summary>
    public static void Write(string path, MacAddress fromMac, IPv4Address from, MacAddress toMac, IPv4Address to)
    {
        byte[][] frames = [ArpRequest(fromMac, from, to), EchoRequest(fromMac, from, toMac, to), Udp(fromMac, from, toMac, to)];
        using var writer = new CaptureFileWriterDevice(path, FileMode.Create);
        writer.Open(new DeviceConfiguration { LinkLayerType = LinkLayers.Ethernet, TimestampResolution = TimestampResolution.Nanosecond, Snaplen = 65535 });
        for (int i = 0; i < frames.Length; i++)
        {
            var header = new PcapHeader(0, (uint)i * 1_000_000, (uint)frames[i].Length, (uint)frames[i].Length);
            writer.Write(frames[i], ref header);
        }
    }

    private static byte[] ArpRequest(MacAddress fromMac, IPv4Address from, IPv4Address to)
    {
        // RFC 826: the target hardware address is not known yet; zeros, as NetBSD sends.
        var arp = new PacketDotNet.ArpPacket(ArpOperation.Request, new PhysicalAddress(new byte[6]), Ip(to), Phys(fromMac), Ip(from));
        return new EthernetPacket(Phys(fromMac), Phys(MacAddress.Broadcast), EthernetType.Arp) { PayloadPacket = arp }.Bytes;
    }

    /// <summary>An echo request with ping(8)'s 56 data bytes, each its offset.</summary>
    private static byte[] EchoRequest(MacAddress fromMac, IPv4Address from, MacAddress toMac, IPv4Address to)
    {
        byte[] message = new byte[8 + 56];
        for (int i = 8; i < message.Length; i++)
        {
            message[i] = (byte)(i - 8);
        }

        var icmp = new IcmpV4Packet(new ByteArraySegment(message)) { TypeCode = IcmpV4TypeCode.EchoRequest, Id = EchoIdentifier, Sequence = 0 };
        icmp.UpdateIcmpChecksum();
        var ip = new IPv4Packet(Ip(from), Ip(to)) { PayloadPacket = icmp, TimeToLive = 64 };
        var eth = new EthernetPacket(Phys(fromMac), Phys(toMac), EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        return eth.Bytes;
    }

    private static byte[] Udp(MacAddress fromMac, IPv4Address from, MacAddress toMac, IPv4Address to)
    {
        var udp = new UdpPacket(UdpSourcePort, IpStack.EchoPort) { PayloadData = UdpPayload };
        var ip = new IPv4Packet(Ip(from), Ip(to)) { PayloadPacket = udp, TimeToLive = 64 };
        var eth = new EthernetPacket(Phys(fromMac), Phys(toMac), EthernetType.IPv4) { PayloadPacket = ip };
        udp.UpdateCalculatedValues();
        ip.UpdateCalculatedValues();
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        return eth.Bytes;
    }

    private static PhysicalAddress Phys(MacAddress mac)
    {
        byte[] bytes = new byte[6];
        mac.CopyTo(bytes);
        return new PhysicalAddress(bytes);
    }

    private static IPAddress Ip(IPv4Address ip)
    {
        byte[] bytes = new byte[4];
        ip.CopyTo(bytes);
        return new IPAddress(bytes);
    }
}
