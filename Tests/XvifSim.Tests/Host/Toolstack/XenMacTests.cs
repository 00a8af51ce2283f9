using XvifSim.Host.Toolstack;

namespace XvifSim.Tests.Host.Toolstack;

/// <summary>MACs made up as libxl__device_nic_setdefault does, and the mac= syntax.</summary>
public class XenMacTests
{
    [Test]
    public void AGeneratedMacIsInXensOuiWithTheFourthByteBelow0x80()
    {
        var random = new Random(5);
        for (int i = 0; i < 1000; i++)
        {
            string mac = XenMac.Generate(random);
            Assert.That(mac, Does.Match("^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$"));
        }
    }

    [Test]
    public void TheFourthByteCoversItsWholeRange()
    {
        var random = new Random(6);
        HashSet<int> fourth = [.. Enumerable.Range(0, 5000).Select(_ => Convert.ToInt32(XenMac.Generate(random)[9..11], 16))];
        Assert.That(fourth, Has.Count.EqualTo(128), "r[0] & 0x7f: all of 0x00..0x7f, nothing above");
    }

    [Test]
    public void TheSameSeedGivesTheSameMacs()
    {
        var a = new Random(42);
        var b = new Random(42);
        string[] first = [.. Enumerable.Range(0, 4).Select(_ => XenMac.Generate(a))];
        string[] second = [.. Enumerable.Range(0, 4).Select(_ => XenMac.Generate(b))];
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(first.Distinct().Count(), Is.EqualTo(4));
            Assert.That(XenMac.Generate(new Random(43)), Is.Not.EqualTo(first[0]));
        });
    }

    [Test]
    public void TheParserMakesUpMissingMacsReproduciblyInVifOrder()
    {
        const string text = "name = 'g'\nvif = [ '', 'mac=00:16:3e:00:00:09', '' ]";
        GuestConfig one = XlConfigParser.Parse("g.cfg", text, new Random(7)).Config!;
        GuestConfig two = XlConfigParser.Parse("g.cfg", text, new Random(7)).Config!;
        var expected = new Random(7);
        Assert.Multiple(() =>
        {
            Assert.That(two.Vifs.Select(v => v.Mac), Is.EqualTo(one.Vifs.Select(v => v.Mac)));
            Assert.That(one.Vifs[0].Mac, Is.EqualTo(XenMac.Generate(expected)));
            Assert.That(one.Vifs[1].Mac, Is.EqualTo("00:16:3e:00:00:09"));
            Assert.That(one.Vifs[2].Mac, Is.EqualTo(XenMac.Generate(expected)));
        });
    }

    [TestCase("00:16:3E:0A:bC:ff", "00:16:3e:0a:bc:ff")]
    [TestCase("fe:ff:ff:ff:ff:ff", "fe:ff:ff:ff:ff:ff")]
    public void AValidMacIsWrittenInLowerCase(string text, string expected)
    {
        Assert.That(XenMac.TryNormalize(text, out string mac), Is.True);
        Assert.That(mac, Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("00:16:3e:00:00")]
    [TestCase("00:16:3e:00:00:01:02")]
    [TestCase("00-16-3e-00-00-01")]
    [TestCase("0:16:3e:00:00:01")]
    [TestCase("00:16:3e:00:00:0g")]
    [TestCase("00:16:3e:00:00:+1")]
    [TestCase(" 00:16:3e:00:00:01")]
    public void AnythingElseIsRefused(string text) => Assert.That(XenMac.TryNormalize(text, out _), Is.False);
}
