using XvifSim.Host.Faults;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.XenStore;
using XvifSim.Public.Xenbus;

namespace XvifSim.Tests.FaultInjection;

/// <summary>The fault spec language: what each kind accepts, Xen's names, and a one-line error for every kind of mistake.</summary>
public class FaultSpecParserTests
{
    [Test]
    public void AGrantCopyFaultNamesItsDomainOrdinalAndStatus()
    {
        FaultSpec spec = FaultSpec.Parse("gnttab-copy:dom=0,nth=3,status=GNTST_bad_gntref,peer=1");
        Assert.Multiple(() =>
        {
            Assert.That(spec.Kind, Is.EqualTo(FaultKind.GnttabCopy));
            Assert.That(spec.Domain, Is.EqualTo(DomId.Dom0));
            Assert.That(spec.Peer, Is.EqualTo(new DomId(1)));
            Assert.That(spec.Nth, Is.EqualTo(3));
            Assert.That(spec.Count, Is.EqualTo(1), "one strike unless count says otherwise");
            Assert.That(spec.Status, Is.EqualTo(GntSt.BadGntref));
            Assert.That(spec.ToString(), Is.EqualTo("gnttab-copy:dom=0,nth=3,status=GNTST_bad_gntref,peer=1"));
            Assert.That(spec.Strikes(2), Is.False);
            Assert.That(spec.Strikes(3), Is.True);
            Assert.That(spec.Strikes(4), Is.False);
        });
    }

    [Test]
    public void EveryGntstNameOfGrantTableHIsAccepted()
    {
        string[] names =
        [
            "GNTST_general_error", "GNTST_bad_domain", "GNTST_bad_gntref", "GNTST_bad_handle", "GNTST_bad_virt_addr",
            "GNTST_bad_dev_addr", "GNTST_no_device_space", "GNTST_permission_denied", "GNTST_bad_page",
            "GNTST_bad_copy_arg", "GNTST_address_too_big", "GNTST_eagain", "GNTST_no_space",
        ];
        GntSt[] statuses = [.. names.Select(n => FaultSpec.Parse($"gnttab-map:dom=0,status={n}").Status)];
        Assert.That(statuses, Is.EqualTo(Enumerable.Range(1, 13).Select(n => (GntSt)(-n))));
    }

    [Test]
    public void AXenStoreFaultTakesXsOpNamesWithOrWithoutThePrefixAndDefaultsToAnyPath()
    {
        FaultSpec end = FaultSpec.Parse("xs:op=TRANSACTION_END,error=EAGAIN,count=2");
        FaultSpec write = FaultSpec.Parse("xs:op=XS_WRITE,path=/local/domain/1/device/vif/*,error=ENOSPC,dom=1");
        FaultSpec quota = FaultSpec.Parse("xs:op=write,error=EQUOTA,count=all");
        Assert.Multiple(() =>
        {
            Assert.That(end.Op, Is.EqualTo(XsdSockmsgType.TransactionEnd));
            Assert.That(end.PathPattern, Is.EqualTo("*"));
            Assert.That(end.Domain, Is.Null, "any client");
            Assert.That(end.Count, Is.EqualTo(2));
            Assert.That(write.Op, Is.EqualTo(XsdSockmsgType.Write));
            Assert.That(write.Error, Is.EqualTo(Errno.ENOSPC));
            Assert.That(write.PathPattern, Is.EqualTo("/local/domain/1/device/vif/*"));
            Assert.That(quota.Error, Is.EqualTo(Errno.ENOSPC), "EQUOTA is answered as the ENOSPC xenstored sends for a quota");
            Assert.That(quota.Count, Is.EqualTo(FaultSpec.All));
            Assert.That(quota.Strikes(long.MaxValue - 1), Is.True);
        });
    }

    [Test]
    public void EventHotplugAndCrashFaultsParse()
    {
        FaultSpec drop = FaultSpec.Parse("evtchn-drop:dom=1,port=3,count=5");
        FaultSpec delay = FaultSpec.Parse("evtchn-delay:dom=1,port=3,ms=200");
        FaultSpec fail = FaultSpec.Parse("hotplug-fail:dom=1");
        FaultSpec late = FaultSpec.Parse("hotplug-late:dom=1,vif=2,ms=500");
        FaultSpec crash = FaultSpec.Parse("crash:dom=1,end=frontend,state=3");
        FaultSpec named = FaultSpec.Parse("crash:dom=2,end=backend,state=XenbusStateConnected");
        Assert.Multiple(() =>
        {
            Assert.That((drop.Kind, drop.Port, drop.Count), Is.EqualTo((FaultKind.EvtchnDrop, new EvtchnPort(3), 5L)));
            Assert.That((delay.Kind, delay.Delay), Is.EqualTo((FaultKind.EvtchnDelay, TimeSpan.FromMilliseconds(200))));
            Assert.That((fail.Kind, fail.Vif), Is.EqualTo((FaultKind.HotplugFail, 0)));
            Assert.That((late.Kind, late.Vif, late.Delay), Is.EqualTo((FaultKind.HotplugLate, 2, TimeSpan.FromMilliseconds(500))));
            Assert.That((crash.End, crash.State), Is.EqualTo((FaultEnd.Frontend, XenbusState.Initialised)));
            Assert.That((named.End, named.State, named.Domain), Is.EqualTo((FaultEnd.Backend, XenbusState.Connected, (DomId?)new DomId(2))));
        });
    }

    [TestCase("gnttab-copy", "expected KIND:key=value,... (kinds: gnttab-map, gnttab-copy, xs, evtchn-drop, evtchn-delay, hotplug-fail, hotplug-late, crash)")]
    [TestCase("gnttab-cpy:dom=0,status=GNTST_bad_gntref", "unknown fault kind 'gnttab-cpy' (kinds: gnttab-map, gnttab-copy, xs, evtchn-drop, evtchn-delay, hotplug-fail, hotplug-late, crash)")]
    [TestCase("gnttab-copy:dom=0,status=GNTST_bogus", "status: 'GNTST_bogus' is not a GNTST name other than GNTST_okay (grant_table.h: GNTST_general_error, GNTST_bad_domain, GNTST_bad_gntref, GNTST_bad_handle, GNTST_bad_virt_addr, GNTST_bad_dev_addr, GNTST_no_device_space, GNTST_permission_denied, GNTST_bad_page, GNTST_bad_copy_arg, GNTST_address_too_big, GNTST_eagain, GNTST_no_space)")]
    [TestCase("gnttab-map:dom=0,status=GNTST_okay", "status: 'GNTST_okay' is not a GNTST name other than GNTST_okay (grant_table.h: GNTST_general_error, GNTST_bad_domain, GNTST_bad_gntref, GNTST_bad_handle, GNTST_bad_virt_addr, GNTST_bad_dev_addr, GNTST_no_device_space, GNTST_permission_denied, GNTST_bad_page, GNTST_bad_copy_arg, GNTST_address_too_big, GNTST_eagain, GNTST_no_space)")]
    [TestCase("xs:op=WRITE,error=EWHAT", "error: 'EWHAT' is not an errno name of xs_wire.h (EINVAL, EACCES, EEXIST, EISDIR, ENOENT, ENOMEM, ENOSPC, EIO, ENOTEMPTY, ENOSYS, EROFS, EBUSY, EAGAIN, EISCONN, E2BIG, EPERM, or EQUOTA)")]
    [TestCase("xs:op=SCRIBBLE,error=EAGAIN", "op: 'SCRIBBLE' is not a XenStore request type (xs_wire.h: XS_CONTROL, XS_DIRECTORY, XS_READ, XS_GET_PERMS, XS_WATCH, XS_UNWATCH, XS_TRANSACTION_START, XS_TRANSACTION_END, XS_INTRODUCE, XS_RELEASE, XS_GET_DOMAIN_PATH, XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS, XS_IS_DOMAIN_INTRODUCED, XS_RESUME, XS_SET_TARGET, XS_RESTRICT, XS_RESET_WATCHES, XS_DIRECTORY_PART, XS_GET_FEATURE, XS_SET_FEATURE, XS_GET_QUOTA, XS_SET_QUOTA)")]
    [TestCase("xs:op=WATCH_EVENT,error=EAGAIN", "op: 'WATCH_EVENT' is not a XenStore request type (xs_wire.h: XS_CONTROL, XS_DIRECTORY, XS_READ, XS_GET_PERMS, XS_WATCH, XS_UNWATCH, XS_TRANSACTION_START, XS_TRANSACTION_END, XS_INTRODUCE, XS_RELEASE, XS_GET_DOMAIN_PATH, XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS, XS_IS_DOMAIN_INTRODUCED, XS_RESUME, XS_SET_TARGET, XS_RESTRICT, XS_RESET_WATCHES, XS_DIRECTORY_PART, XS_GET_FEATURE, XS_SET_FEATURE, XS_GET_QUOTA, XS_SET_QUOTA)")]
    [TestCase("xs:op=TRANSACTION_END,path=/local/*,error=EAGAIN", "path: XS_TRANSACTION_END names no path; leave path out or use path=*")]
    [TestCase("xs:op=WRITE,path=local/domain,error=EACCES", "path: 'local/domain' is not absolute (begin with /, or use * alone)")]
    [TestCase("gnttab-copy:dom=0,nth=0,status=GNTST_bad_page", "nth: '0' is not a whole number from 1 to 9223372036854775807")]
    [TestCase("gnttab-copy:dom=x,status=GNTST_bad_page", "dom: 'x' is not a whole number from 0 to 32751")]
    [TestCase("gnttab-copy:dom=32752,status=GNTST_bad_page", "dom: '32752' is not a whole number from 0 to 32751")]
    [TestCase("gnttab-copy:dom=-1,status=GNTST_bad_page", "dom: '-1' is not a whole number from 0 to 32751")]
    [TestCase("evtchn-drop:dom=1,port=4096", "port: '4096' is not a whole number from 1 to 4095")]
    [TestCase("evtchn-drop:dom=1,port=3,count=0", "count: '0' is not a whole number from 1 to 9223372036854775806")]
    [TestCase("evtchn-delay:dom=1,port=3,ms=0", "ms: '0' is not a whole number from 1 to 86400000")]
    [TestCase("evtchn-delay:dom=1,port=3,ms=1.5", "ms: '1.5' is not a whole number from 1 to 86400000")]
    [TestCase("evtchn-delay:dom=1,port=3", "missing key 'ms' for evtchn-delay (needs: dom, port, ms)")]
    [TestCase("gnttab-map:dom=0", "missing key 'status' for gnttab-map (needs: dom, status)")]
    [TestCase("crash:", "missing key 'dom' for crash (needs: dom, end, state)")]
    [TestCase("gnttab-map:dom=0,dom=1,status=GNTST_bad_page", "duplicate key 'dom'")]
    [TestCase("hotplug-fail:dom=1,nth=2", "unknown key 'nth' for hotplug-fail (keys: dom, vif)")]
    [TestCase("evtchn-drop:dom=1,port=3,,count=2", "expected key=value, not ''")]
    [TestCase("evtchn-drop:dom=1,port", "expected key=value, not 'port'")]
    [TestCase("evtchn-drop:dom=1,port=", "expected key=value, not 'port='")]
    [TestCase("crash:dom=1,end=middle,state=4", "end: 'middle' is not an end (frontend or backend)")]
    [TestCase("crash:dom=1,end=0,state=4", "end: '0' is not an end (frontend or backend)")]
    [TestCase("crash:dom=1,end=frontend,state=9", "state: '9' is not a xenbus state (1 to 8, or Initialising, InitWait, Initialised, Connected, Closing, Closed, Reconfiguring, Reconfigured)")]
    [TestCase("crash:dom=1,end=frontend,state=Unknown", "state: 'Unknown' is not a xenbus state (1 to 8, or Initialising, InitWait, Initialised, Connected, Closing, Closed, Reconfiguring, Reconfigured)")]
    public void ABadSpecIsOneLineNamingWhatIsWrong(string text, string expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(FaultSpec.TryParse(text, out FaultSpec? spec, out string? error), Is.False);
            Assert.That(spec, Is.Null);
            Assert.That(error, Is.EqualTo(expected));
            Assert.That(error, Does.Not.Contain('\n'));
            Assert.That(() => FaultSpec.Parse(text), Throws.TypeOf<FormatException>().With.Message.EqualTo($"'{text}': {expected}"));
        });
    }

    [Test]
    public void APlanKeepsItsSpecsInOrderAndNamesTheFirstBadOne()
    {
        FaultPlan plan = FaultPlan.Parse(["evtchn-drop:dom=1,port=3", "hotplug-fail:dom=2"]);
        Assert.Multiple(() =>
        {
            Assert.That(plan.Specs.Select(s => s.Kind), Is.EqualTo(new[] { FaultKind.EvtchnDrop, FaultKind.HotplugFail }));
            Assert.That(plan.ToString(), Is.EqualTo("evtchn-drop:dom=1,port=3, hotplug-fail:dom=2"));
            Assert.That(FaultPlan.TryParse(["hotplug-fail:dom=2", "xs:op=READ", "bogus"], out FaultPlan? bad, out string? error), Is.False);
            Assert.That(bad, Is.Null);
            Assert.That(error, Is.EqualTo("'xs:op=READ': missing key 'error' for xs (needs: op, error)"));
            Assert.That(() => FaultPlan.Parse(["bogus"]), Throws.TypeOf<FormatException>().With.Message.StartsWith("'bogus': expected KIND:"));
            Assert.That(FaultPlan.Parse([]).Specs, Is.Empty);
        });
    }

    [TestCase("*", "", true)]
    [TestCase("*", "/local/domain/1/device/vif/0/state", true)]
    [TestCase("/local/domain/1/device/vif/*", "/local/domain/1/device/vif/0/tx-ring-ref", true)]
    [TestCase("/local/domain/1/device/vif/*", "/local/domain/1/device/vif", false)]
    [TestCase("/local/domain/*/device/vif/*/state", "/local/domain/12/device/vif/3/state", true)]
    [TestCase("/local/domain/*/device/vif/*/state", "/local/domain/12/device/vif/3/state-x", false)]
    [TestCase("/local/domain/1/*ring-ref", "/local/domain/1/device/vif/0/rx-ring-ref", true)]
    [TestCase("/local/domain/1", "/local/domain/12", false)]
    public void PathPatternsMatchWithStarsSpanningSlashes(string pattern, string path, bool matches) =>
        Assert.That(PathPattern.Matches(pattern, path), Is.EqualTo(matches));
}
