using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Tests.Core.Grants;

/// <summary>GNTTABOP_setup_table and GNTTABOP_query_size, as Xen's gnttab_setup_table and gnttab_query_size.</summary>
public sealed class SetupTableTests
{
    private GrantTestBed _bed = null!;
    private Domain _guest = null!;

    [SetUp]
    public void SetUp()
    {
        _bed = new GrantTestBed();
        _guest = _bed.CreateGuest();
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void NewDomain_HasOneGrantFrame_PlacedAtGrantFramesStart()
    {
        var op = new GnttabQuerySize { Dom = DomId.Self };
        _guest.Hypercalls.GrantTable.QuerySize(ref op);

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(op.NrFrames, Is.EqualTo(1));
        Assert.That(op.MaxNrFrames, Is.EqualTo(64));
        Assert.That(_guest.Memory.Frame(_guest.Memory.Layout.GrantFramesStart)!.Owner, Is.EqualTo(_guest.Id));
        Assert.That(_guest.Memory.IsPresent(new Gfn(_guest.Memory.Layout.GrantFramesStart.Value + 1)), Is.False);
    }

    [Test]
    public void SetupTable_GrowsToNrFrames_AndListsTheGrantFrameGfns()
    {
        var op = new GnttabSetupTable { Dom = DomId.Self, NrFrames = 3 };
        _guest.Hypercalls.GrantTable.SetupTable(ref op);

        Gfn start = _guest.Memory.Layout.GrantFramesStart;
        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(op.FrameList, Is.EqualTo(new[] { start, new Gfn(start.Value + 1), new Gfn(start.Value + 2) }));
        Assert.That(op.FrameList!.All(_guest.Memory.IsPresent), Is.True);
    }

    [Test]
    public void SetupTable_ByOwnId_IsTheSameAsDomidSelf()
    {
        var op = new GnttabSetupTable { Dom = _guest.Id, NrFrames = 2 };
        _guest.Hypercalls.GrantTable.SetupTable(ref op);

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(op.FrameList, Has.Length.EqualTo(2));
    }

    [Test]
    public void SetupTable_FewerFramesThanTheTableHas_DoesNotShrinkIt()
    {
        var grow = new GnttabSetupTable { Dom = DomId.Self, NrFrames = 4 };
        _guest.Hypercalls.GrantTable.SetupTable(ref grow);
        var small = new GnttabSetupTable { Dom = DomId.Self, NrFrames = 1 };
        _guest.Hypercalls.GrantTable.SetupTable(ref small);
        var query = new GnttabQuerySize { Dom = DomId.Self };
        _guest.Hypercalls.GrantTable.QuerySize(ref query);

        Assert.That(small.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(small.FrameList, Has.Length.EqualTo(1));
        Assert.That(query.NrFrames, Is.EqualTo(4));
    }

    [Test]
    public void SetupTable_BeyondMaxGrantFrames_IsGeneralError()
    {
        var op = new GnttabSetupTable { Dom = DomId.Self, NrFrames = 65 };
        _guest.Hypercalls.GrantTable.SetupTable(ref op);

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(op.FrameList, Is.Null);
    }

    [Test]
    public void SetupTable_AtMaxGrantFrames_Succeeds()
    {
        var op = new GnttabSetupTable { Dom = DomId.Self, NrFrames = 64 };
        _guest.Hypercalls.GrantTable.SetupTable(ref op);

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(op.FrameList, Has.Length.EqualTo(64));
    }

    [Test]
    public void SetupTable_OfAnotherDomain_Unprivileged_IsPermissionDenied()
    {
        var op = new GnttabSetupTable { Dom = DomId.Dom0, NrFrames = 2 };
        _guest.Hypercalls.GrantTable.SetupTable(ref op);

        Assert.That(op.Status, Is.EqualTo(GntSt.PermissionDenied));
    }

    [Test]
    public void SetupTable_OfAnotherDomain_Privileged_GrowsThatDomainsTable()
    {
        var op = new GnttabSetupTable { Dom = _guest.Id, NrFrames = 2 };
        _bed.Dom0.Hypercalls.GrantTable.SetupTable(ref op);

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(_guest.Memory.IsPresent(op.FrameList![1]), Is.True);
    }

    [Test]
    public void SetupTable_UnknownDomain_IsBadDomain()
    {
        var op = new GnttabSetupTable { Dom = new DomId(99), NrFrames = 1 };
        _bed.Dom0.Hypercalls.GrantTable.SetupTable(ref op);

        Assert.That(op.Status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void QuerySize_UnknownDomain_IsBadDomain()
    {
        var op = new GnttabQuerySize { Dom = new DomId(99) };
        _guest.Hypercalls.GrantTable.QuerySize(ref op);

        Assert.That(op.Status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void QuerySize_OfAnotherDomain_Unprivileged_IsPermissionDenied()
    {
        var op = new GnttabQuerySize { Dom = DomId.Dom0 };
        _guest.Hypercalls.GrantTable.QuerySize(ref op);

        Assert.That(op.Status, Is.EqualTo(GntSt.PermissionDenied));
    }

    [Test]
    public void QuerySize_OfAnotherDomain_Privileged_ReportsItsSize()
    {
        var setup = new GnttabSetupTable { Dom = DomId.Self, NrFrames = 5 };
        _guest.Hypercalls.GrantTable.SetupTable(ref setup);
        var op = new GnttabQuerySize { Dom = _guest.Id };
        _bed.Dom0.Hypercalls.GrantTable.QuerySize(ref op);

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(op.NrFrames, Is.EqualTo(5));
        Assert.That(op.MaxNrFrames, Is.EqualTo(64));
    }
}
