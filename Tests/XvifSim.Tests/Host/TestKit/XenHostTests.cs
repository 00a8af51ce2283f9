using XvifSim.Backend;
using XvifSim.Emulator.Scheduling;
using XvifSim.Guest.Net;
using XvifSim.Guest.Xenbus;
using XvifSim.Host;
using XvifSim.Public;

namespace XvifSim.Tests.Host.TestKit;

/// <summary>The test kit as a driver author uses it: XenHost, XenDomain, GuestOptions and VifDriver.</summary>
[TestFixture]
public sealed class XenHostTests
{
    private const string Guest1 = "name = 'guest1'\nvif = [ 'mac=00:16:3e:00:01:01, bridge=bridge0' ]\n";
    private const string Guest2 = "name = 'guest2'\nvif = [ 'mac=00:16:3e:00:02:01, bridge=bridge0' ]\n";

    [Test]
    public void AGuestWithTheStockDriversPingsDom0AndLeavesNothingHeld()
    {
        using XenHost host = XenHost.Start();
        XenDomain guest = host.CreateGuest(Guest1);
        host.WaitConnected(guest);

        Assert.That(guest.Ping(XenHost.Dom0Address, count: 3), Is.EqualTo(3));
        Assert.That(guest.Address, Is.EqualTo(IPv4Address.Parse("10.0.0.2")));
        Assert.That(guest.Counters("xennet0").OutPackets, Is.GreaterThanOrEqualTo(3));
        Assert.That(guest.KernelLog, Has.Some.Contains("xennet0"));
        Assert.DoesNotThrow(() => host.AssertNothingHeldAfterDestroy());
    }

    [Test]
    public void TwoGuestsExchangeUdpOnTheThreadedScheduler()
    {
        using XenHost host = XenHost.Start(new XenHostOptions { Threaded = true });
        XenDomain one = host.CreateGuest(Guest1);
        XenDomain two = host.CreateGuest(Guest2);
        host.WaitConnected(one);
        host.WaitConnected(two);

        Assert.That(one.UdpExchange(two, count: 5, payloadBytes: 200), Is.EqualTo(5));
        host.AssertNothingHeldAfterDestroy();
    }

    [Test]
    public void TwoGuestsExchangeUdpOnOneThreadedPcpu()
    {
        // Dom0's vCPU and both guests' share one worker thread, so nothing may wait for another vCPU.
        using XenHost host = XenHost.Start(new XenHostOptions { Threaded = true, Pcpus = 1 });
        XenDomain one = host.CreateGuest(Guest1);
        XenDomain two = host.CreateGuest(Guest2);
        host.WaitConnected(one);
        host.WaitConnected(two);

        Assert.That(host.Scheduler, Is.InstanceOf<ThreadedScheduler>().With.Property(nameof(ThreadedScheduler.Pcpus)).EqualTo(1));
        Assert.That(one.UdpExchange(two, count: 5, payloadBytes: 200), Is.EqualTo(5));
        host.AssertNothingHeldAfterDestroy();
    }

    [Test]
    public void AThrowingAttachCrashesTheGuestAndFailsTheTestWithItsExceptionAndStack()
    {
        using XenHost host = XenHost.Start();
        XenDomain guest = host.CreateGuest(Guest1, new GuestOptions
        {
            Frontend = VifDriver.Custom("throwing", (_, _) => new ThrowingFrontend(afterAwait: false)),
        });

        DomainCrashedException crash = Assert.Throws<DomainCrashedException>(() => host.WaitConnected(guest))!;

        Assert.That(crash.Domain, Is.EqualTo("guest1"));
        Assert.That(crash.InnerException, Is.InstanceOf<DriverBugException>());
        Assert.That(crash.InnerException!.StackTrace, Does.Contain(nameof(ThrowingFrontend.AttachAsync)));
        Assert.That(guest.IsCrashed, Is.True);
        Assert.That(guest.KernelLog, Has.Some.Contains("domain_crash: DriverBugException: frontend attach failed"));
        Assert.That(guest.KernelLog, Has.Some.Contains("FailAtOnce"), "the stack is in the kernel log");

        // xl's on_crash="destroy": the crashed guest is gone and dom0's backend let go of it.
        Assert.That(host.Guests, Is.Empty);
        host.AssertNothingHeldAfterDestroy();
    }

    [Test]
    public void AnExceptionInAnAsyncContinuationOnTheThreadedSchedulerIsNotLost()
    {
        using XenHost host = XenHost.Start(new XenHostOptions { Threaded = true });
        XenDomain guest = host.CreateGuest(Guest1, new GuestOptions
        {
            Frontend = VifDriver.Custom("throws-later", (_, _) => new ThrowingFrontend(afterAwait: true)),
        });

        DomainCrashedException crash = Assert.Throws<DomainCrashedException>(() => host.WaitConnected(guest))!;

        Assert.That(crash.InnerException, Is.InstanceOf<DriverBugException>());
        Assert.That(crash.InnerException!.Message, Is.EqualTo("frontend attach failed after an await"));
        Assert.That(crash.InnerException.StackTrace, Does.Contain("FailInContinuation"));
    }

    [Test]
    public void ACrashNoWaitReportedIsThrownByDispose()
    {
        // Threaded: the guest runs (and crashes) while the test calls none of the kit's waits.
        XenHost host = XenHost.Start(new XenHostOptions { Threaded = true });
        XenDomain guest = host.CreateGuest(Guest1, new GuestOptions { Frontend = VifDriver.Custom("throwing", (_, _) => new ThrowingFrontend(afterAwait: false)) });
        Assert.That(() => guest.IsCrashed, Is.True.After(10_000, 10));

        Assert.That(() => host.Dispose(), Throws.InstanceOf<DomainCrashedException>().With.InnerException.InstanceOf<DriverBugException>());
    }

    [Test]
    public void AUserFrontendsInterfaceIsCaptured()
    {
        string root = Path.Combine(Path.GetTempPath(), $"xenhost-{Guid.NewGuid():N}");
        try
        {
            TapOnlyFrontend? made = null;
            string? pcap;
            using (XenHost host = XenHost.Start(new XenHostOptions { CaptureDirectory = root, Name = "user-frontend" }))
            {
                XenDomain guest = host.CreateGuest(Guest1, new GuestOptions
                {
                    Interface = "ufe0",
                    Frontend = VifDriver.Custom("tap-only", (kernel, _) => made = new TapOnlyFrontend(kernel)),
                });
                Assert.That(host.WaitUntil(() => made is { Attached.Count: 1 }), Is.True);
                Assert.That(guest.InterfaceNames, Is.EqualTo(new[] { "ufe0" }));
                Assert.That(guest.SendFrame("ufe0", new byte[60]), Is.True);
                pcap = guest.CaptureFile("ufe0");
            }

            Assert.That(pcap, Is.EqualTo(Path.Combine(root, "user-frontend", "guest1.ufe0.pcap")));
            Assert.That(File.Exists(pcap), Is.True);

            // A classic pcap: a 24-byte file header, then one 16-byte record header and the 60-byte frame.
            Assert.That(new FileInfo(pcap!).Length, Is.EqualTo(24 + 16 + 60));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Test]
    public void TheBackendIsChosenPerVif()
    {
        using XenHost host = XenHost.Start();
        CountingBackend? counting = null;
        VifDriver wrapped = VifDriver.Custom("counting-xvif", (kernel, bus) => counting = new CountingBackend(new XvifDriver(kernel, bus, new XvifOptions())));
        XenDomain guest = host.CreateGuest(
            "name = 'guest1'\nvif = [ 'mac=00:16:3e:00:01:01', 'mac=00:16:3e:00:01:02' ]\n",
            new GuestOptions { BackendByVif = new Dictionary<int, VifDriver> { [1] = wrapped } });
        host.WaitConnected(guest, vif: 0);
        host.WaitConnected(guest, vif: 1);

        Assert.That(counting, Is.Not.Null);
        Assert.That(counting!.Attaches, Is.EqualTo(1), "only vif 1 went to the chosen backend");
        Assert.That(counting.States, Does.Contain(XvifSim.Public.Xenbus.XenbusState.Connected));
        host.AssertNothingHeldAfterDestroy();
    }

    [Test]
    public void RawFramesSentFromAGuestReachDom0sBridge()
    {
        using XenHost host = XenHost.Start();
        XenDomain guest = host.CreateGuest(Guest1);
        host.WaitConnected(guest);
        FrameRecorder bridge = host.Dom0.RecordFrames("bridge0");

        // A broadcast frame of an ethertype nobody speaks (the local experimental 0x88B5, IEEE 802).
        byte[] frame = new byte[60];
        frame.AsSpan(0, 6).Fill(0xFF);
        new MacAddress(0x0016_3E00_0101).CopyTo(frame.AsSpan(6));
        frame[12] = 0x88;
        frame[13] = 0xB5;
        Assert.That(guest.SendFrame("xennet0", frame), Is.True);

        Assert.That(host.WaitUntil(() => bridge.Received.Count > 0), Is.True);
        Assert.That(bridge.Received[0], Is.EqualTo(frame));
    }

    [Test]
    public void XenStoreIsReadWrittenAndWatchedAsEachDomain()
    {
        using XenHost host = XenHost.Start();
        XenDomain guest = host.CreateGuest(Guest1);
        host.WaitConnected(guest);

        using XenStoreWatch watch = host.Dom0.Store.Watch($"/local/domain/{guest.Id.Value}/data");
        Assert.That(guest.Store.Write("data/driver-says", "hello"), Is.EqualTo(Errno.Ok));
        Assert.That(watch.WaitFor($"/local/domain/{guest.Id.Value}/data/driver-says"), Is.True);
        Assert.That(host.Dom0.Store.Read($"/local/domain/{guest.Id.Value}/data/driver-says").Value, Is.EqualTo("hello"));

        // A guest may not write into dom0's home (xenstore.txt's permissions).
        Assert.That(guest.Store.Write("/local/domain/0/stolen", "x"), Is.EqualTo(Errno.EACCES));
        Assert.That(guest.Store.Read("/local/domain/0/stolen").Error, Is.Not.EqualTo(Errno.Ok));
    }

    [Test]
    public void AWatchLeftSetIsReportedAsHeld()
    {
        using XenHost host = XenHost.Start();
        XenStoreWatch forgotten = host.Dom0.Store.Watch("/local/domain/0/forgotten");

        ResourcesHeldException held = Assert.Throws<ResourcesHeldException>(() => host.AssertNothingHeldAfterDestroy())!;

        Assert.That(held.Held, Has.Some.Contains("1 watch(es)"));
        forgotten.Dispose();
        Assert.DoesNotThrow(() => host.AssertNothingHeldAfterDestroy());
    }

    [Test]
    public void ABadXlConfigIsAnArgumentErrorNamingTheProblem()
    {
        using XenHost host = XenHost.Start();

        Assert.That(() => host.CreateGuest("vif = [ 'mac=00:16:3e:00:01:01' ]\n"), Throws.ArgumentException.With.Message.Contains("name"));
    }
}
