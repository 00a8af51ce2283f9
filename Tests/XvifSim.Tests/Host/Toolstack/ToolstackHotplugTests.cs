using Moq;
using XvifSim.Host.Toolstack;
using XvifSim.Public;

namespace XvifSim.Tests.Host.Toolstack;

/// <summary>The hotplug step libxl runs once the backend has made its interface.</summary>
public class ToolstackHotplugTests
{
    private const string Backend = "/local/domain/0/backend/vif/1/0";

    private static ToolstackTestBed GuestWithOneVif()
    {
        var bed = new ToolstackTestBed();
        bed.Toolstack.CreateGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = "00:16:3e:01:02:03", Bridge = "bridge3" }] });
        return bed;
    }

    [Test]
    public void TheScriptIsRunWithTheBackendPathAnd2ThenHotplugStatusIsConnected()
    {
        using ToolstackTestBed bed = GuestWithOneVif();
        bed.BackendWritesVifName(new DomId(1), 0);
        bed.Hotplug.Setup(s => s.Run(Backend, HotplugAction.Add, "xvif1i0", "bridge3")).Returns(HotplugResult.Success("xvif1i0 up on bridge3"));

        HotplugResult result = bed.Toolstack.RunHotplug(new DomId(1), 0);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(HotplugResult.Success("xvif1i0 up on bridge3")));
            Assert.That(bed.Read($"{Backend}/hotplug-status"), Is.EqualTo("connected"));
            Assert.That(bed.Log, Does.Contain($"libxl: vif 1/0: running /etc/xen/scripts/vif-bridge {Backend} 2"));
            Assert.That(bed.Log, Does.Contain("libxl: vif 1/0: hotplug-status connected"));
        });
        bed.Hotplug.Verify(s => s.Run(Backend, HotplugAction.Add, "xvif1i0", "bridge3"), Times.Once);
        Assert.That((int)HotplugAction.Add, Is.EqualTo(2), "libxl passes XenbusStateInitWait");
    }

    [Test]
    public void AMissingVifnameIsReportedAndNothingIsRunOrWritten()
    {
        using ToolstackTestBed bed = GuestWithOneVif();

        HotplugResult result = bed.Toolstack.RunHotplug(new DomId(1), 0);

        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.Message, Is.EqualTo($"cannot read {Backend}/vifname: ENOENT"));
            Assert.That(bed.Read($"{Backend}/hotplug-status"), Is.Empty);
            Assert.That(bed.Log, Does.Contain($"libxl: vif 1/0: hotplug 2 not run: cannot read {Backend}/vifname: ENOENT"));
        });
        bed.Hotplug.VerifyNoOtherCalls();
    }

    [TestCase("bridge")]
    [TestCase("script")]
    public void AnyOtherMissingKeyIsNamedToo(string key)
    {
        using ToolstackTestBed bed = GuestWithOneVif();
        bed.BackendWritesVifName(new DomId(1), 0);
        Assert.That(bed.Store.Rm($"{Backend}/{key}"), Is.EqualTo(Errno.Ok));

        HotplugResult result = bed.Toolstack.RunHotplug(new DomId(1), 0);

        Assert.That(result.Message, Is.EqualTo($"cannot read {Backend}/{key}: ENOENT"));
        bed.Hotplug.VerifyNoOtherCalls();
    }

    [Test]
    public void AFailingScriptLeavesHotplugStatusEmpty()
    {
        using ToolstackTestBed bed = GuestWithOneVif();
        bed.BackendWritesVifName(new DomId(1), 0);
        bed.Hotplug.Setup(s => s.Run(Backend, HotplugAction.Add, "xvif1i0", "bridge3")).Returns(HotplugResult.Failure("brconfig: bridge3: no such interface"));

        HotplugResult result = bed.Toolstack.RunHotplug(new DomId(1), 0);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(HotplugResult.Failure("brconfig: bridge3: no such interface")));
            Assert.That(bed.Read($"{Backend}/hotplug-status"), Is.Empty);
            Assert.That(bed.Log, Does.Contain("libxl: vif 1/0: /etc/xen/scripts/vif-bridge failed: brconfig: bridge3: no such interface"));
        });
    }
}
