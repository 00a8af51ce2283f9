using XvifSim.Host;
using XvifSim.Host.Faults;

namespace XvifSim.Samples;

/// <summary>(d) An injected fault, and the driver's reaction to it.</summary>
public class InjectedFaultTests
{
    private const string Spec = "xs:op=TRANSACTION_END,dom=1,error=EAGAIN,count=2";

    /// <summary>
    /// xenstored answers EAGAIN when a transaction raced another writer; a
    /// frontend must then run its whole handshake transaction again (as
    /// xennet's and Linux netfront's "goto again" do), not give up.
    /// </summary>
    [Test]
    public void TheFrontendRetriesItsHandshakeTransactionOnEagain()
    {
        using XenHost host = XenHost.Start(new XenHostOptions { Faults = FaultPlan.Parse([Spec]) });
        XenDomain guest = host.CreateGuest("name = 'guest1'\nvif = [ 'mac=00:16:3e:00:01:01' ]");
        host.WaitConnected(guest);

        Assert.That(guest.KernelLog.Count(l => l.StartsWith("fault injected: XS_TRANSACTION_END") && l.EndsWith($"answered EAGAIN [{Spec}]")), Is.EqualTo(2));
        Assert.That(guest.Ping(XenHost.Dom0Address, count: 3), Is.EqualTo(3));
        host.AssertNothingHeldAfterDestroy();
    }
}
