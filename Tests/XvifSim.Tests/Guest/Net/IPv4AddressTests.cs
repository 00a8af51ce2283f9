using XvifSim.Guest.Net;

namespace XvifSim.Tests.Guest.Net;

public class IPv4AddressTests
{
    [TestCase("10.0.0.1", 0x0A000001u)]
    [TestCase("0.0.0.0", 0u)]
    [TestCase("255.255.255.255", 0xFFFFFFFFu)]
    [TestCase("192.168.1.200", 0xC0A801C8u)]
    public void ParsesAndFormatsDottedQuads(string text, uint value)
    {
        Assert.That(IPv4Address.TryParse(text, out IPv4Address ip), Is.True);
        Assert.That(ip.Value, Is.EqualTo(value));
        Assert.That(ip.ToString(), Is.EqualTo(text));
    }

    [TestCase("")]
    [TestCase("10.0.0")]
    [TestCase("10.0.0.1.2")]
    [TestCase("10.0.0.256")]
    [TestCase("010.0.0.1")]
    [TestCase("10..0.1")]
    [TestCase("10.0.0.1 ")]
    [TestCase("1000.0.0.1")]
    [TestCase("a.b.c.d")]
    public void RefusesAnythingElse(string text)
    {
        Assert.That(IPv4Address.TryParse(text, out _), Is.False);
        Assert.That(() => IPv4Address.Parse(text), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void ReadsAndWritesNetworkOrder()
    {
        byte[] bytes = new byte[4];
        IPv4Address.Parse("10.1.2.3").CopyTo(bytes);
        Assert.That(bytes, Is.EqualTo(new byte[] { 10, 1, 2, 3 }));
        Assert.That(IPv4Address.FromBytes(bytes), Is.EqualTo(IPv4Address.Parse("10.1.2.3")));
    }

    [TestCase(24, "255.255.255.0")]
    [TestCase(0, "0.0.0.0")]
    [TestCase(32, "255.255.255.255")]
    [TestCase(20, "255.255.240.0")]
    public void BuildsNetmasks(int prefix, string mask) =>
        Assert.That(IPv4Address.Netmask(prefix).ToString(), Is.EqualTo(mask));
}
