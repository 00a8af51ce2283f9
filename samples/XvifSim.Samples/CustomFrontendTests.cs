using XvifSim.Host;

namespace XvifSim.Samples;

/// <summary>(b) The sample's own frontend against dom0's stock xvif.</summary>
public class CustomFrontendTests
{
    [Test]
    public void MiniNetfrontAnswersArpAndPingAndIsCaptured()
    {
        string captures = Path.Combine(TestContext.CurrentContext.WorkDirectory, "captures");
        string? pcap;
        using (XenHost host = XenHost.Start(new XenHostOptions { CaptureDirectory = captures, Name = "mini-netfront" }))
        {
            XenDomain guest = host.CreateGuest(
                "name = 'mini'\nvif = [ 'mac=00:16:3e:00:0b:01' ]",
                new GuestOptions { Frontend = VifDriver.Custom("mini-netfront", (kernel, _) => new MiniNetfront(kernel)), Interface = "mnf0" });
            host.WaitConnected(guest);

            // dom0 resolves the guest with ARP, then pings it: the guest's stack answers through MiniNetfront.
            Assert.That(host.Dom0.Ping(guest.Address, count: 3), Is.EqualTo(3));
            Assert.That(guest.Counters("mnf0").InPackets, Is.GreaterThanOrEqualTo(4), "an ARP request and three echo requests");
            pcap = guest.CaptureFile("mnf0");
            host.AssertNothingHeldAfterDestroy();
        }

        Assert.That(new FileInfo(pcap!).Length, Is.GreaterThan(24), "mnf0's pcap holds frames beyond its header");
    }
}
