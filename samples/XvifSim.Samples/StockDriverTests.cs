using XvifSim.Host;

namespace XvifSim.Samples;

/// <summary>(a) A guest with the stock xennet, against dom0's stock xvif.</summary>
public class StockDriverTests
{
    [Test]
    public void AGuestPingsDom0()
    {
        using XenHost host = XenHost.Start(new XenHostOptions { Seed = 42 });
        XenDomain guest = host.CreateGuest("name = 'guest1'\nvif = [ 'mac=00:16:3e:00:01:01' ]");
        host.WaitConnected(guest);

        Assert.That(guest.Ping(XenHost.Dom0Address, count: 3), Is.EqualTo(3));
        host.AssertNothingHeldAfterDestroy();
    }
}
