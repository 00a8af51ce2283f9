using XvifSim.Emulator.Domains;
using XvifSim.Host.Faults;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;
using XvifSim.Public;

namespace XvifSim.Tests.FaultInjection;

/// <summary>
/// Each fault kind on a whole simulated host: it strikes the operation its
/// spec names, the strike is in the log where it landed with the spec's text,
/// and the drivers react as NetBSD's (or, where we harden them, Linux's) do.
/// dom1 is guest1; its xennet0 sends on its port 3 (port 1 is the store's,
/// port 2 its timer VIRQ), which the probe in <see cref="EventPortIsThree"/> pins.
/// </summary>
public class FaultStrikeTests
{
    private const string Front = "/local/domain/1/device/vif/0";
    private const string Back = "/local/domain/0/backend/vif/1/0";

    [Test]
    public void EventPortIsThree()
    {
        using var bed = new FaultBed("hotplug-late:dom=9,ms=1");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        Assert.That(bed.WaitConnected(guest));
        Assert.That(bed.Xen.ReadKey($"{Front}/event-channel"), Is.EqualTo("3"));
    }

    [Test]
    public void ACopyFaultOnXvifsTxCopyIsAnErrorResponseAndTheNeighbourKeepsWorking()
    {
        // dom0's copies on guest1's grants are xvif1i0's: TX copies from
        // them, RX copies into them. With seed 1 the 3rd is the TX copy of an
        // echo request of the first ping below (the line says "from gref").
        using var bed = new FaultBed("gnttab-copy:dom=0,peer=1,nth=3,status=GNTST_bad_gntref");
        GuestSystem one = bed.StartGuest("guest1", 1);
        GuestSystem two = bed.StartGuest("guest2", 2);
        Assert.That(bed.WaitConnected(one) && bed.WaitConnected(two));

        int first = bed.PingDom0(one);
        int neighbour = bed.PingDom0(two);
        int again = bed.PingDom0(one);

        Assert.Multiple(() =>
        {
            Assert.That(bed.Injector.StrikeCount(bed.Spec), Is.EqualTo(1));
            Assert.That(bed.Dom0Log, Has.Some.Match(@"^fault injected: GNTTABOP_copy #3 of d0 \(from gref \d+ of d1, \d+ bytes\) answered GNTST_bad_gntref \[gnttab-copy:dom=0,peer=1,nth=3,status=GNTST_bad_gntref\]$"));
            Assert.That(bed.Dom0Log, Has.Some.EqualTo("xvif1i0 GNTTABOP_copy[0] Tx -3"), "xvif's own report of the failed copy");
            Assert.That(bed.Dom0Interface("xvif1i0").Counters.InErrors, Is.EqualTo(1), "the packet's slot counted as an input error");
            Assert.That(one.Xennet0!.Counters.OutErrors, Is.EqualTo(1), "xennet counts the NETIF_RSP_ERROR as an output error");
            Assert.That(first, Is.EqualTo(2), "one echo request lost");
            Assert.That(neighbour, Is.EqualTo(3), "guest2 is untouched");
            Assert.That(again, Is.EqualTo(3), "and guest1 carries on");
            Assert.That(bed.Xen.DestroyGuests(TimeSpan.FromSeconds(10)), Is.Empty);
        });
    }

    [Test]
    public void AMapFaultOnTheRingLeavesTheVifUnconnectedAndNothingHeld()
    {
        // dom0's first map of guest1's grants is xvif's map of the TX ring.
        using var bed = new FaultBed("gnttab-map:dom=0,peer=1,nth=1,status=GNTST_no_device_space");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        bool connected = bed.WaitConnected(guest);
        Assert.Multiple(() =>
        {
            Assert.That(connected, Is.False);
            Assert.That(bed.Dom0Log, Has.Some.Match(@"^fault injected: GNTTABOP_map_grant_ref #1 of d0 \(gref \d+ of d1\) answered GNTST_no_device_space \[.*\]$"));
            Assert.That(bed.Dom0Log, Has.Some.Match(@"^xvif1i0: map_grant_ref gref \d+ of d1: NoDeviceSpace$"));
            Assert.That(bed.Dom0Log, Has.Some.Contain("can't map TX grant ref"));
            Assert.That(bed.Xen.ReadKey($"{Back}/state"), Is.Not.EqualTo("4"));
            Assert.That(bed.Xen.DestroyGuests(TimeSpan.FromSeconds(10)), Is.Empty);
        });
    }

    [Test]
    public void EagainAtTransactionEndMakesXennetRetryAndStillConnect()
    {
        using var bed = new FaultBed("xs:op=TRANSACTION_END,dom=1,error=EAGAIN,count=2");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        bool connected = bed.WaitConnected(guest);
        Assert.Multiple(() =>
        {
            Assert.That(connected, Is.True);
            Assert.That(bed.Injector.StrikeCount(bed.Spec), Is.EqualTo(2));
            Assert.That(bed.Log(guest).Count(l => l.StartsWith("fault injected: XS_TRANSACTION_END #", StringComparison.Ordinal)
                && l.EndsWith("of d1 answered EAGAIN [xs:op=TRANSACTION_END,dom=1,error=EAGAIN,count=2]", StringComparison.Ordinal)), Is.EqualTo(2));
            Assert.That(bed.Xen.ReadKey($"{Front}/tx-ring-ref"), Is.Not.Null, "the third attempt committed");
            Assert.That(bed.Xen.Machine.XenStore.Core.TransactionCount, Is.Zero, "the struck transactions ended");
            Assert.That(bed.PingDom0(guest), Is.EqualTo(3));
        });
    }

    [Test]
    public void EnospcOnAHandshakeWriteMakesXennetReportTheFailure()
    {
        using var bed = new FaultBed("xs:op=WRITE,dom=1,path=/local/domain/1/device/vif/*/tx-ring-ref,error=ENOSPC");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        bool connected = bed.WaitConnected(guest);
        Assert.Multiple(() =>
        {
            Assert.That(connected, Is.False);
            Assert.That(bed.Log(guest), Has.Some.EqualTo($"fault injected: XS_WRITE {Front}/tx-ring-ref #1 of d1 answered ENOSPC [xs:op=WRITE,dom=1,path=/local/domain/1/device/vif/*/tx-ring-ref,error=ENOSPC]"));
            Assert.That(bed.Log(guest), Has.Some.EqualTo("device/vif/0: writing tx ring-ref: 28"), "xenbus_dev_fatal's line");
            Assert.That(bed.Xen.ReadKey("/local/domain/1/error/device/vif/0/error"), Is.EqualTo("-28 writing tx ring-ref"));
            Assert.That(bed.Xen.ReadKey($"{Front}/state"), Is.AnyOf("5", "6"), "Closing, then Closed once the backend followed");
            Assert.That(bed.Xen.DestroyGuests(TimeSpan.FromSeconds(10)), Is.Empty);
        });
    }

    [Test]
    public void EnoentOnTheBackendsReadMakesXvifReportTheFailure()
    {
        using var bed = new FaultBed("xs:op=READ,dom=0,path=/local/domain/1/device/vif/0/tx-ring-ref,error=ENOENT");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        bool connected = bed.WaitConnected(guest);
        Assert.Multiple(() =>
        {
            Assert.That(connected, Is.False);
            Assert.That(bed.Dom0Log, Has.Some.EqualTo($"fault injected: XS_READ {Front}/tx-ring-ref #1 of d0 answered ENOENT [xs:op=READ,dom=0,path={Front}/tx-ring-ref,error=ENOENT]"));
            Assert.That(bed.Dom0Log, Has.Some.EqualTo($"backend/vif/1/0: reading {Front}/tx-ring-ref: 2"));
            Assert.That(bed.Xen.DestroyGuests(TimeSpan.FromSeconds(10)), Is.Empty);
        });
    }

    [Test]
    public void EaccesOnEveryFrontendWriteStopsTheHandshake()
    {
        using var bed = new FaultBed("xs:op=WRITE,dom=1,path=/local/domain/1/device/*,error=EACCES,count=all");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        Assert.Multiple(() =>
        {
            Assert.That(bed.WaitConnected(guest), Is.False);
            Assert.That(bed.Log(guest), Has.Some.Match(@"^fault injected: XS_WRITE /local/domain/1/device/vif/0/\S+ #1 of d1 answered EACCES"));
            Assert.That(bed.Injector.StrikeCount(bed.Spec), Is.GreaterThan(1));
            Assert.That(bed.Xen.DestroyGuests(TimeSpan.FromSeconds(10)), Is.Empty);
        });
    }

    [Test]
    public void DroppedTxNotificationsStallTheGuestsTransmitUntilTheyStop()
    {
        // Every send on xennet's port is lost: dom0's xvif never hears of
        // the guest's TX requests, so no echo request is answered.
        using var bed = new FaultBed("evtchn-drop:dom=1,port=3,count=all");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        Assert.That(bed.WaitConnected(guest));
        int replies = bed.PingDom0(guest);
        Assert.Multiple(() =>
        {
            Assert.That(replies, Is.Zero, "the stall");
            Assert.That(bed.Log(guest), Has.Some.Match(@"^fault injected: EVTCHNOP_send #1 of d1 port 3 dropped \[evtchn-drop:dom=1,port=3,count=all\]$"));
            Assert.That(bed.Injector.StrikeCount(bed.Spec), Is.GreaterThan(1));
        });
    }

    [Test]
    public void OneDroppedTxNotificationStallsTransmitForGood()
    {
        // The 5th send is the kick for the second echo request. xvif has
        // consumed everything before it and set req_event to one past, so
        // the next request's push finds the event index behind it and does
        // not notify (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY, io/ring.h); with
        // no TX timer in xvif (NetBSD's xennetback has none either) nothing
        // ever looks at the ring again: the lost kick stalls transmit for good.
        using var bed = new FaultBed("evtchn-drop:dom=1,port=3,nth=5");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        Assert.That(bed.WaitConnected(guest));
        int replies = bed.PingDom0(guest, count: 5);
        bed.Xen.Machine.Scheduler.RunFor(TimeSpan.FromSeconds(10));
        int later = bed.PingDom0(guest);
        Assert.Multiple(() =>
        {
            Assert.That(bed.Injector.StrikeCount(bed.Spec), Is.EqualTo(1));
            Assert.That(bed.Log(guest), Has.Some.EqualTo("fault injected: EVTCHNOP_send #5 of d1 port 3 dropped [evtchn-drop:dom=1,port=3,nth=5]"));
            Assert.That(replies, Is.EqualTo(1), "the first echo, sent before the lost kick");
            Assert.That(later, Is.Zero, "still stalled ten seconds on");
        });
    }

    [Test]
    public void DelayedNotificationsArriveLateAndThePingStillAnswers()
    {
        using var bed = new FaultBed("evtchn-delay:dom=1,port=3,ms=200,count=all");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        Assert.That(bed.WaitConnected(guest));
        var output = new StringWriter();
        int replies = bed.PingDom0(guest, output: output);
        Assert.Multiple(() =>
        {
            Assert.That(replies, Is.EqualTo(3));
            Assert.That(output.ToString(), Does.Match(@"icmp_seq=1 time=2\d\d\.\d+ ms"), "each request reaches xvif 200 ms late");
            Assert.That(bed.Log(guest), Has.Some.EqualTo("fault injected: EVTCHNOP_send #1 of d1 port 3 delayed 200 ms [evtchn-delay:dom=1,port=3,ms=200,count=all]"));
            Assert.That(bed.Xen.DestroyGuests(TimeSpan.FromSeconds(10)), Is.Empty);
        });
    }

    [Test]
    public void AFailedHotplugScriptLeavesTheVifOffTheBridgeAndSaysSo()
    {
        using var bed = new FaultBed("hotplug-fail:dom=1");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        bed.WaitConnected(guest);
        int replies = bed.PingDom0(guest);
        Assert.Multiple(() =>
        {
            Assert.That(bed.Xen.ToolstackLog, Has.Some.EqualTo("fault injected: libxl: vif 1/0: hotplug script made to fail [hotplug-fail:dom=1]"));
            Assert.That(bed.Xen.ToolstackLog, Has.Some.EqualTo("libxl: vif 1/0: /etc/xen/scripts/vif-bridge failed: fault injected: hotplug script for xvif1i0 failed [hotplug-fail:dom=1]"));
            Assert.That(bed.Xen.ReadKey($"{Back}/hotplug-status"), Is.Not.EqualTo(Libxl.HotplugConnected));
            Assert.That(bed.Xen.Dom0.Bridge.Members.Select(m => m.Name), Has.No.Member("xvif1i0"));
            Assert.That(replies, Is.Zero);
            Assert.That(bed.Xen.DestroyGuests(TimeSpan.FromSeconds(10)), Is.Empty);
        });
    }

    [Test]
    public void ALateHotplugScriptRunsAfterItsDelayAndTheVifConnects()
    {
        using var bed = new FaultBed("hotplug-late:dom=1,ms=500");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        ulong started = bed.Xen.Machine.Scheduler.NowNs;
        Assert.Multiple(() =>
        {
            Assert.That(started, Is.GreaterThanOrEqualTo(500_000_000UL), "the guest is unpaused only after its late script");
            Assert.That(bed.Xen.ToolstackLog, Has.Some.EqualTo("fault injected: libxl: vif 1/0: hotplug script starts 500 ms late [hotplug-late:dom=1,ms=500]"));
            Assert.That(bed.Xen.ReadKey($"{Back}/hotplug-status"), Is.EqualTo(Libxl.HotplugConnected));
            Assert.That(bed.WaitConnected(guest), Is.True);
            Assert.That(bed.PingDom0(guest), Is.EqualTo(3));
        });
    }

    [Test]
    public void AFrontendCrashedWhenConnectedIsCleanedUpByItsBackend()
    {
        using var bed = new FaultBed("crash:dom=1,end=frontend,state=Connected");
        GuestSystem guest = bed.StartGuest("guest1", 1);
        Domain domain = bed.Xen.Machine.GetDomain(guest.Kernel.DomId);
        bed.Xen.Machine.Scheduler.RunUntil(() => domain.State == DomainState.Crashed, TimeSpan.FromSeconds(10));
        Assert.That(domain.State, Is.EqualTo(DomainState.Crashed));

        // The backend goes on with the handshake the frontend finished and maps its rings.
        bed.Xen.Machine.Scheduler.RunFor(TimeSpan.FromSeconds(1));
        IReadOnlyList<string> heldByBackend = bed.Xen.Held();

        // xl destroy of the crashed guest (on_crash=destroy): xvif sees its frontend go and lets go of everything.
        IReadOnlyList<string> left = bed.Xen.DestroyGuests(TimeSpan.FromSeconds(10));
        bed.Xen.Machine.Scheduler.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(bed.Xen.ReadKey($"{Front}/state"), Is.Null, "the guest's directory is gone");
            Assert.That(bed.Log(guest), Has.Some.EqualTo("fault injected: frontend state of vif 1/0 reached 4 (Connected): crashing d1 [crash:dom=1,end=frontend,state=Connected]"));
            Assert.That(bed.Log(guest), Has.Some.StartWith("domain_crash: InjectedFaultException: fault injected: frontend state of vif 1/0 reached 4"));
            Assert.That(bed.Injector.StrikeCount(bed.Spec), Is.EqualTo(1));
            Assert.That(heldByBackend, Is.Not.Empty, "xvif held the crashed guest's rings");
            Assert.That(left, Is.Empty);
            Assert.That(bed.Xen.Held(), Is.Empty);
            Assert.That(bed.Dom0Log, Has.Some.EqualTo("xvif1i0: disconnecting"));
        });
    }

    [Test]
    public void ABackendCrashedAtInitWaitIsTheBackendDomain()
    {
        using var bed = new FaultBed("crash:dom=1,end=backend,state=2");
        bed.StartGuest("guest1", 1);
        Assert.Multiple(() =>
        {
            Assert.That(bed.Xen.Machine.Dom0.State, Is.EqualTo(DomainState.Crashed));
            Assert.That(bed.Dom0Log, Has.Some.EqualTo("fault injected: backend state of vif 1/0 reached 2 (InitWait): crashing d0 [crash:dom=1,end=backend,state=2]"));
            Assert.That(bed.Xen.Machine.Dom0.CrashReason, Does.StartWith("fault injected: backend state of vif 1/0 reached 2"));
        });
    }
}
