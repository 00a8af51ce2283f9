using Moq;
using XvifSim.Host.Toolstack;
using XvifSim.Public;

namespace XvifSim.Tests.Host.Toolstack;

/// <summary>A vif across a suspend: the backend directory goes (the frontend's stays), then both are written afresh at state 1.</summary>
public class ToolstackResumeTests
{
    private const string Backend = "/local/domain/0/backend/vif/1/0";
    private const string Frontend = "/local/domain/1/device/vif/0";
    private static readonly DomId Guest1 = new(1);
    private static readonly VifSpec Vif = new() { Mac = "00:16:3e:12:34:56" };

    [Test]
    public void SuspendVifRunsTheScriptWith6AndRemovesOnlyTheBackendDirectory()
    {
        using var bed = new ToolstackTestBed();
        bed.Toolstack.CreateGuest(new GuestConfig("guest1") { Vifs = [Vif] });
        bed.BackendWritesVifName(Guest1, 0);
        bed.Hotplug.Setup(s => s.Run(Backend, HotplugAction.Remove, "xvif1i0", "bridge0")).Returns(HotplugResult.Success("removed"));

        HotplugResult result = bed.Toolstack.SuspendVif(Guest1, 0);
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True);
            Assert.That(bed.Exists(Backend), Is.False, "the old backend instance must go");
            Assert.That(bed.Exists(Frontend), Is.True, "the suspended guest keeps its device");
            Assert.That(bed.Log, Does.Contain("libxl: vif 1/0 backend removed for suspend"));
        });
    }

    [Test]
    public void ResumeVifWritesBothDirectoriesAfreshAtState1()
    {
        using var bed = new ToolstackTestBed();
        bed.Toolstack.CreateGuest(new GuestConfig("guest1") { Vifs = [Vif] });
        Assert.That(bed.Store.Write($"{Frontend}/state", "4"), Is.EqualTo(Errno.Ok));
        Assert.That(bed.Store.Write($"{Frontend}/tx-ring-ref", "8"), Is.EqualTo(Errno.Ok));
        Assert.That(bed.Store.Rm(Backend), Is.EqualTo(Errno.Ok));

        bed.Toolstack.ResumeVif(Guest1, Vif, 0);
        Assert.Multiple(() =>
        {
            Assert.That(bed.Read($"{Backend}/state"), Is.EqualTo("1"));
            Assert.That(bed.Read($"{Backend}/mac"), Is.EqualTo(Vif.Mac));
            Assert.That(bed.Read($"{Frontend}/state"), Is.EqualTo("1"));
            Assert.That(bed.Exists($"{Frontend}/tx-ring-ref"), Is.False, "the old handshake keys go: the resumed frontend writes new ones");
            Assert.That(bed.Log, Does.Contain("libxl: vif 1/0 rewritten for resume"));
        });
    }
}
