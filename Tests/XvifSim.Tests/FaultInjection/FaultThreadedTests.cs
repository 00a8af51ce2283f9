using XvifSim.Host.Systems;

namespace XvifSim.Tests.FaultInjection;

/// <summary>On the threaded scheduler the hooks are called from several pCPU threads at once: counting stays exact and delays still fire.</summary>
public class FaultThreadedTests
{
    [Test]
    public void CountsAreExactAndDelayedEventsArriveUnderTheThreadedScheduler()
    {
        using var bed = new FaultBed(
            threaded: true,
            "gnttab-copy:dom=0,peer=1,nth=4,count=2,status=GNTST_bad_page",
            "evtchn-delay:dom=1,port=3,ms=50,count=all");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        Assert.That(bed.WaitConnected(guest));
        var output = new StringWriter();
        int replies = bed.PingDom0(guest, count: 4, output: output);
        bed.Xen.Machine.Scheduler.RunFor(TimeSpan.FromMilliseconds(500));
        Assert.Multiple(() =>
        {
            Assert.That(bed.Injector.StrikeCount(bed.Injector.Plan.Specs[0]), Is.EqualTo(2), "exactly the 4th and 5th copies");
            Assert.That(bed.Dom0Log.Count(l => l.StartsWith("fault injected: GNTTABOP_copy #", StringComparison.Ordinal)), Is.EqualTo(2));
            Assert.That(bed.Injector.StrikeCount(bed.Injector.Plan.Specs[1]), Is.GreaterThanOrEqualTo(4), "every kick of the pings was held back");
            Assert.That(replies, Is.GreaterThanOrEqualTo(2), output.ToString());
            Assert.That(bed.Xen.DestroyGuests(TimeSpan.FromSeconds(10)), Is.Empty);
        });
    }
}
