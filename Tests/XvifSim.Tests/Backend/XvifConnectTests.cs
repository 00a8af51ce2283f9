using XvifSim.Public;

namespace XvifSim.Tests.Backend;

/// <summary>The handshake after create: connect on the frontend's Connected, request-rx-copy required, Closing and Closed tear down.</summary>
public class XvifConnectTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void TheBackendConnectsWhenTheFrontendIsConnectedAndReleasesEverythingOnClose(bool threaded)
    {
        using var h = new XvifHarness(threaded);
        var guest = h.AddGuest("guest1");
        h.WriteVif(guest.Domain.Id, 0);
        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 2));
        var fe = new TestFrontend(h, guest);
        fe.SetUp();
        fe.Publish(state: 3);
        h.RunFor(TimeSpan.FromMilliseconds(20));
        Assert.That(h.Read($"{XvifHarness.BackendDir(guest.Domain.Id, 0)}/state"), Is.EqualTo("2"), "no connect on Initialised");

        fe.SetState(4);
        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 4), string.Join('\n', h.Dom0Log));
        Assert.That(h.On(h.Dom0, () => h.Dom0.Interfaces.Find("xvif1i0")!.IsRunning), "RUNNING once connected");
        Assert.That(h.Machine.Outstanding(), Has.Some.Contains("maps d1 gref"), "dom0 maps the rings");

        fe.SetState(5);
        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 5));
        Assert.That(h.RunUntil(() => !h.Machine.Outstanding().Any(o => o.Contains("maps", StringComparison.Ordinal))), "rings unmapped on Closing");

        fe.SetState(6);
        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 6));
        Assert.That(h.WaitForLog("xvif1i0: disconnecting"));
        Assert.That(h.Interface("xvif1i0"), Is.Null, "the interface is detached");

        fe.TearDown();
        Assert.That(h.Machine.Outstanding(), Is.Empty);
        Assert.That(h.Driver.Instances, Is.Empty);
    }

    [Test]
    public void AFrontendWithoutRequestRxCopyIsAFatalDeviceError()
    {
        using var h = new XvifHarness();
        var guest = h.AddGuest("guest1");
        h.WriteVif(guest.Domain.Id, 0);
        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 2));
        var fe = new TestFrontend(h, guest);
        fe.SetUp();
        fe.Publish(requestRxCopy: false);

        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 5), "dev_fatal switches to Closing");
        string? error = h.Read("/local/domain/0/error/backend/vif/1/0/error");
        Assert.That(error, Is.EqualTo("-2 /local/domain/1/device/vif/0/request-rx-copy not supported by frontend"));
        Assert.That(h.Machine.Outstanding().Any(o => o.StartsWith("d0", StringComparison.Ordinal) && o.Contains("maps", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public void ARemovedBackendDirectoryDetachesAConnectedVif()
    {
        using var h = new XvifHarness();
        var guest = h.AddGuest("guest1");
        h.WriteVif(guest.Domain.Id, 0);
        var fe = new TestFrontend(h, guest);
        Assert.That(h.WaitForBackendState(guest.Domain.Id, 0, 2));
        fe.Connect();

        Assert.That(h.Store.Rm(XvifHarness.BackendDir(guest.Domain.Id, 0)), Is.EqualTo(Errno.Ok));
        Assert.That(h.WaitForLog("xvif1i0: disconnecting"));
        Assert.That(h.Interface("xvif1i0"), Is.Null);
        fe.TearDown();
        Assert.That(h.Machine.Outstanding(), Is.Empty);
    }
}
