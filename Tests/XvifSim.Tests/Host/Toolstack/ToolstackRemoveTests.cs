using Moq;
using XvifSim.Host.Toolstack;
using XvifSim.Public;

namespace XvifSim.Tests.Host.Toolstack;

/// <summary>network-detach and destroy: the backend is told to close, then everything the toolstack wrote goes.</summary>
public class ToolstackRemoveTests
{
    private const string Backend = "/local/domain/0/backend/vif/1/0";
    private const string Frontend = "/local/domain/1/device/vif/0";
    private static readonly DomId Guest1 = new(1);

    private static ToolstackTestBed GuestsWithVifs(int guests, int vifsEach)
    {
        var bed = new ToolstackTestBed();
        for (int g = 0; g < guests; g++)
        {
            bed.Toolstack.CreateGuest(new GuestConfig($"guest{g + 1}")
            {
                Vifs = [.. Enumerable.Range(0, vifsEach).Select(i => new VifSpec { Mac = $"00:16:3e:00:{g:x2}:{i:x2}" })],
            });
        }

        bed.Hotplug.Setup(s => s.Run(It.IsAny<string>(), HotplugAction.Remove, It.IsAny<string>(), It.IsAny<string>()))
            .Returns(HotplugResult.Success("removed"));
        return bed;
    }

    [Test]
    public void RemoveVifSetsOnline0AndStateClosing()
    {
        using ToolstackTestBed bed = GuestsWithVifs(1, 1);
        bed.Toolstack.RemoveVif(Guest1, 0);

        Assert.Multiple(() =>
        {
            Assert.That(bed.Read($"{Backend}/online"), Is.EqualTo("0"));
            Assert.That(bed.Read($"{Backend}/state"), Is.EqualTo("5"));
            Assert.That(bed.Exists(Frontend), Is.True, "nothing is removed until the backend has closed");
            Assert.That(bed.Log, Does.Contain("libxl: vif 1/0 closing (online 0, state 5)"));
        });
    }

    [Test]
    public void ABackendAlreadyClosedIsNotMovedBackToClosing()
    {
        using ToolstackTestBed bed = GuestsWithVifs(1, 1);
        Assert.That(bed.Store.Write($"{Backend}/state", "6"), Is.EqualTo(Errno.Ok));
        bed.Toolstack.RemoveVif(Guest1, 0);

        Assert.That(bed.Read($"{Backend}/state"), Is.EqualTo("6"));
        Assert.That(bed.Read($"{Backend}/online"), Is.EqualTo("0"));
    }

    [Test]
    public void RemovingAVifThatDoesNotExistIsHostMisuseAndWritesNothing()
    {
        using ToolstackTestBed bed = GuestsWithVifs(1, 1);
        Assert.Multiple(() =>
        {
            Assert.Throws<InvalidOperationException>(() => bed.Toolstack.RemoveVif(Guest1, 5));
            Assert.Throws<InvalidOperationException>(() => bed.Toolstack.FinishRemoveVif(Guest1, 5));
            Assert.That(bed.Exists("/local/domain/0/backend/vif/1/5"), Is.False);
        });
    }

    [Test]
    public void FinishRemoveVifRunsTheScriptWith6AndRemovesBothDirectories()
    {
        using ToolstackTestBed bed = GuestsWithVifs(1, 1);
        bed.BackendWritesVifName(Guest1, 0);
        bed.Toolstack.RemoveVif(Guest1, 0);

        HotplugResult result = bed.Toolstack.FinishRemoveVif(Guest1, 0);

        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True);
            Assert.That(bed.Exists(Backend), Is.False);
            Assert.That(bed.Exists(Frontend), Is.False);
            Assert.That(bed.Exists("/local/domain/0/backend/vif/1"), Is.False, "empty parents go too (libxl__xs_path_cleanup)");
            Assert.That(bed.Exists("/local/domain/1/device/vif"), Is.False);
            Assert.That(bed.Exists("/local/domain/1/device"), Is.True, "the guest's own device directory stays");
            Assert.That(bed.Log, Does.Contain($"libxl: vif 1/0: running /etc/xen/scripts/vif-bridge {Backend} 6"));
            Assert.That(bed.Log, Does.Contain("libxl: vif 1/0 removed"));
        });
        bed.Hotplug.Verify(s => s.Run(Backend, HotplugAction.Remove, "xvif1i0", "bridge0"), Times.Once);
        Assert.That((int)HotplugAction.Remove, Is.EqualTo(6), "libxl passes XenbusStateClosed");
    }

    [Test]
    public void RemovingOneVifLeavesTheOthers()
    {
        using ToolstackTestBed bed = GuestsWithVifs(1, 2);
        bed.Toolstack.RemoveVif(Guest1, 0);
        bed.Toolstack.FinishRemoveVif(Guest1, 0);

        Assert.Multiple(() =>
        {
            Assert.That(bed.Exists(Backend), Is.False);
            Assert.That(bed.Read("/local/domain/0/backend/vif/1/1/mac"), Is.EqualTo("00:16:3e:00:00:01"));
            Assert.That(bed.Read("/local/domain/1/device/vif/1/mac"), Is.EqualTo("00:16:3e:00:00:01"));
        });
    }

    [Test]
    public void ABackendThatNeverMadeItsInterfaceIsStillRemoved()
    {
        using ToolstackTestBed bed = GuestsWithVifs(1, 1);

        HotplugResult result = bed.Toolstack.FinishRemoveVif(Guest1, 0);

        Assert.Multiple(() =>
        {
            Assert.That(result.Message, Is.EqualTo($"cannot read {Backend}/vifname: ENOENT"));
            Assert.That(bed.Exists(Backend), Is.False);
            Assert.That(bed.Exists(Frontend), Is.False);
        });
        bed.Hotplug.VerifyNoOtherCalls();
    }

    [Test]
    public void DestroyGuestLeavesNoKeysAndNothingOutstanding()
    {
        using ToolstackTestBed bed = GuestsWithVifs(2, 2);
        bed.BackendWritesVifName(Guest1, 0);

        bed.Toolstack.DestroyGuest(Guest1);

        Assert.Multiple(() =>
        {
            Assert.That(bed.Exists("/local/domain/1"), Is.False);
            Assert.That(bed.Exists("/local/domain/0/backend/vif/1"), Is.False);
            Assert.That(bed.Exists($"/vm/{DomainDirectories.Uuid(Guest1)}"), Is.False);
            Assert.That(bed.Machine.TryGetDomain(Guest1, out _), Is.False);
            Assert.That(bed.Read("/local/domain/0/backend/vif/2/1/frontend"), Is.EqualTo("/local/domain/2/device/vif/1"), "the other guest is untouched");
            Assert.That(bed.Read("/local/domain/2/name"), Is.EqualTo("guest2"));
            Assert.That(bed.Machine.Outstanding(), Is.Empty);
            Assert.That(bed.Log, Does.Contain("libxl: domain 1 destroyed"));
        });
        bed.Hotplug.Verify(s => s.Run(Backend, HotplugAction.Remove, "xvif1i0", "bridge0"), Times.Once);
        bed.Hotplug.VerifyNoOtherCalls();

        bed.Toolstack.DestroyGuest(new DomId(2));
        Assert.Multiple(() =>
        {
            Assert.That(bed.Exists("/local/domain/2"), Is.False);
            Assert.That(bed.Exists("/local/domain/0/backend/vif"), Is.False);
            Assert.That(bed.Store.Directory("/vm", out IReadOnlyList<string> vms), Is.EqualTo(Errno.Ok));
            Assert.That(vms, Is.Empty);
            Assert.That(bed.Machine.Outstanding(), Is.Empty);
        });
    }

    [Test]
    public void Dom0CannotBeDestroyed()
    {
        using var bed = new ToolstackTestBed();
        Assert.Throws<ArgumentException>(() => bed.Toolstack.DestroyGuest(DomId.Dom0));
    }
}
