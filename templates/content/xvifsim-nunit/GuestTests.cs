using XvifSim.Host;

namespace XvifSimTest;

public class GuestTests
{
    [Test]
    public void AGuestPingsDom0()
    {
        using XenHost host = XenHost.Start(new XenHostOptions { Seed = 1 });
        XenDomain guest = host.CreateGuest("""
            name = "guest1"
            vif = [ "mac=00:16:3e:00:01:01, bridge=bridge0" ]
            """);
        host.WaitConnected(guest);

        Assert.That(guest.Ping(XenHost.Dom0Address, count: 3), Is.EqualTo(3));
        host.AssertNothingHeldAfterDestroy();
    }
}
