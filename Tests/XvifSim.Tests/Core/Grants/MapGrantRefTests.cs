using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Grants;
using static XvifSim.Tests.Core.Grants.GrantTestBed;

namespace XvifSim.Tests.Core.Grants;

/// <summary>GNTTABOP_map_grant_ref: Xen's map_grant_ref check order and GNTST codes, busy bits and pins.</summary>
public sealed class MapGrantRefTests
{
    private const uint Gref = 10;
    private const ulong GrantedGfn = 5;

    private GrantTestBed _bed = null!;
    private Domain _dom0 = null!;
    private Domain _guest = null!;

    [SetUp]
    public void SetUp()
    {
        _bed = new GrantTestBed();
        _dom0 = _bed.Dom0;
        _guest = _bed.CreateGuest();
        Grant(_guest, Gref, _dom0.Id, GrantedGfn);
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void Map_Succeeds_PlacesTheGrantedFrameAtHostAddr()
    {
        _guest.Memory.Page(new Gfn(GrantedGfn))[100] = 0xAB;

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(_dom0.Memory.Frame(MapSlot(_dom0, 0)), Is.SameAs(_guest.Memory.Frame(new Gfn(GrantedGfn))));
        Assert.That(_dom0.Memory.Page(MapSlot(_dom0, 0))[100], Is.EqualTo(0xAB));
        Assert.That(_guest.Memory.Frame(new Gfn(GrantedGfn))!.ForeignMaps, Is.EqualTo(1));
        Assert.That(op.DevBusAddr, Is.EqualTo(_guest.Memory.Frame(new Gfn(GrantedGfn))!.Mfn.Value << XenPage.Shift));
    }

    [Test]
    public void Map_Writable_SetsReadingAndWriting()
    {
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing));
        Assert.That(_guest.GrantTable.IsMappedByOthers, Is.True);
    }

    [Test]
    public void Map_Readonly_SetsReadingOnly()
    {
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);

        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading));
    }

    [Test]
    public void Map_WritableAfterReadonly_AddsWriting()
    {
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);
        GnttabMapGrantRef second = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 1));

        Assert.That(second.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing));
    }

    [Test]
    public void Map_SuccessiveMaps_GetDistinctHandles()
    {
        GnttabMapGrantRef first = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));
        GnttabMapGrantRef second = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 1));

        Assert.That(second.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(second.Handle, Is.Not.EqualTo(first.Handle));
    }

    [Test]
    public void Map_OwnGrantByOwnId_Succeeds()
    {
        Grant(_guest, 11, _guest.Id, GrantedGfn);

        GnttabMapGrantRef op = Map(_guest, _guest.Id, 11, MapSlot(_guest, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(_guest.Memory.Frame(MapSlot(_guest, 0)), Is.SameAs(_guest.Memory.Frame(new Gfn(GrantedGfn))));
    }

    [Test]
    public void Map_WithoutHostMapOrDeviceMap_IsBadGntref()
    {
        GnttabMapGrantRef op = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0), GntMapFlags.Readonly);

        Assert.That(op.Status, Is.EqualTo(GntSt.BadGntref));
    }

    [Test]
    public void Map_DeviceMapByTranslatedGuest_IsGeneralError()
    {
        GnttabMapGrantRef op = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0), GntMapFlags.HostMap | GntMapFlags.DeviceMap);

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Map_UnknownGranter_IsBadDomain()
    {
        GnttabMapGrantRef op = Map(_dom0, new DomId(42), Gref, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void Map_DomidSelf_IsBadDomain_AsXensLookupByRealId()
    {
        Grant(_guest, 11, _guest.Id, GrantedGfn);

        GnttabMapGrantRef op = Map(_guest, DomId.Self, 11, MapSlot(_guest, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void Map_DyingGranter_IsBadDomain()
    {
        Domain other = _bed.CreateGuest();
        Grant(_guest, 11, other.Id, GrantedGfn);
        Assert.That(Map(other, _guest.Id, 11, MapSlot(other, 0)).Status, Is.EqualTo(GntSt.Okay));
        _bed.Machine.DestroyDomain(_guest.Id);
        Assert.That(_guest.State, Is.EqualTo(DomainState.Dying));

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void Map_RefBeyondTable_IsBadGntref()
    {
        GnttabMapGrantRef op = Map(_dom0, _guest.Id, GrantEntryV1.EntriesPerFrame, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadGntref));
    }

    [Test]
    public void Map_RefInGrownTable_Succeeds()
    {
        var setup = new GnttabSetupTable { Dom = DomId.Self, NrFrames = 2 };
        _guest.Hypercalls.GrantTable.SetupTable(ref setup);
        Grant(_guest, 600, _dom0.Id, GrantedGfn);

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, 600, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Map_NoFreeMaptrackHandle_IsNoDeviceSpace_AndComesBeforeTheRefCheck()
    {
        using var bed = new GrantTestBed(new DomainConfig("Domain-0") { MaxMaptrackFrames = 1 });
        Domain guest = bed.CreateGuest();
        var setup = new GnttabSetupTable { Dom = DomId.Self, NrFrames = 1 };
        guest.Hypercalls.GrantTable.SetupTable(ref setup);

        // One maptrack frame holds 256 slots; as in Xen the free list keeps one, so 255 maps fit.
        for (uint gref = 0; gref < 255; gref++)
        {
            Grant(guest, gref, bed.Dom0.Id, GrantedGfn);
            Assert.That(Map(bed.Dom0, guest.Id, gref, MapSlot(bed.Dom0, gref)).Status, Is.EqualTo(GntSt.Okay), $"gref {gref}");
        }

        Grant(guest, 255, bed.Dom0.Id, GrantedGfn);
        Assert.That(Map(bed.Dom0, guest.Id, 255, MapSlot(bed.Dom0, 255)).Status, Is.EqualTo(GntSt.NoDeviceSpace));
        Assert.That(Map(bed.Dom0, guest.Id, 100_000, MapSlot(bed.Dom0, 255)).Status, Is.EqualTo(GntSt.NoDeviceSpace));
        Assert.That(EntryFlags(guest, 255), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Map_FreedHandle_MakesRoomAgain()
    {
        using var bed = new GrantTestBed(new DomainConfig("Domain-0") { MaxMaptrackFrames = 1 });
        Domain guest = bed.CreateGuest();
        Grant(guest, 0, bed.Dom0.Id, GrantedGfn);
        var handles = new List<GnttabMapGrantRef>();
        for (uint i = 0; i < 255; i++)
        {
            Grant(guest, i, bed.Dom0.Id, GrantedGfn);
            handles.Add(Map(bed.Dom0, guest.Id, i, MapSlot(bed.Dom0, i)));
        }

        Assert.That(Unmap(bed.Dom0, handles[7].Handle, MapSlot(bed.Dom0, 7).Address), Is.EqualTo(GntSt.Okay));
        GnttabMapGrantRef again = Map(bed.Dom0, guest.Id, 7, MapSlot(bed.Dom0, 300));

        Assert.That(again.Status, Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Map_EntryNotPermitAccess_IsGeneralError()
    {
        Grant(_guest, 11, _dom0.Id, GrantedGfn, GtfFlags.AcceptTransfer);

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, 11, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(_guest, 11), Is.EqualTo(GtfFlags.AcceptTransfer));
    }

    [Test]
    public void Map_InvalidEntry_IsGeneralError()
    {
        GnttabMapGrantRef op = Map(_dom0, _guest.Id, 12, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
    }

    [Test]
    public void Map_SubPageEntry_IsGeneralError()
    {
        Grant(_guest, 11, _dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.SubPage);

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, 11, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
    }

    [Test]
    public void Map_EntryForAnotherDomain_IsGeneralError()
    {
        Domain other = _bed.CreateGuest();

        GnttabMapGrantRef op = Map(other, _guest.Id, Gref, MapSlot(other, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Map_EntryPinnedForAnotherDomain_IsGeneralError_EvenIfTheGuestRewroteDomid()
    {
        Domain other = _bed.CreateGuest();
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));
        Grant(_guest, Gref, other.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing);

        GnttabMapGrantRef op = Map(other, _guest.Id, Gref, MapSlot(other, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
    }

    [Test]
    public void Map_ReadonlyGrantWritable_IsGeneralError_AsXensSetStatus()
    {
        Grant(_guest, 11, _dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, 11, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(_guest, 11), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Readonly));
    }

    [Test]
    public void Map_ReadonlyGrantReadonly_Succeeds()
    {
        Grant(_guest, 11, _dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, 11, MapSlot(_dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Map_ReadonlyGrantWritableWhileMappedReadonly_IsGeneralError_AndKeepsReading()
    {
        Grant(_guest, 11, _dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);
        Map(_dom0, _guest.Id, 11, MapSlot(_dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, 11, MapSlot(_dom0, 1));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(_guest, 11), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Readonly | GtfFlags.Reading));
    }

    [Test]
    public void Map_FrameNotPresent_IsBadPage_AndClearsTheBusyBits()
    {
        Grant(_guest, 11, _dom0.Id, _guest.Memory.Layout.End.Value + 10);

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, 11, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadPage));
        Assert.That(EntryFlags(_guest, 11), Is.EqualTo(GtfFlags.PermitAccess));
        Assert.That(_dom0.Memory.IsPresent(MapSlot(_dom0, 0)), Is.False);
    }

    [Test]
    public void Map_FrameIsAForeignPageTheGranterMaps_IsBadPage()
    {
        Grant(_dom0, 3, _guest.Id, 7);
        Assert.That(Map(_guest, _dom0.Id, 3, MapSlot(_guest, 0)).Status, Is.EqualTo(GntSt.Okay));
        Grant(_guest, 11, _dom0.Id, MapSlot(_guest, 0).Value);

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, 11, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadPage));
    }

    [Test]
    public void Map_UnalignedHostAddr_IsGeneralError()
    {
        GnttabMapGrantRef op = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0).Address + 8, GntMapFlags.HostMap);

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Map_HostAddrOutsideMapSpace_IsGeneralError()
    {
        GnttabMapGrantRef op = Map(_dom0, _guest.Id, Gref, new Gfn(3));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(_guest.GrantTable.IsMappedByOthers, Is.False);
    }

    [Test]
    public void Map_HostAddrAlreadyMapped_IsGeneralError_AndLeavesOnlyTheFirstPin()
    {
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading));
        Assert.That(_guest.GrantTable.Outstanding(), Is.EqualTo(new[] { $"gref {Gref} mapped by d0 (ro)" }));
    }

    [Test]
    public void Map_PinCountLimit_129thMapOfOneEntryIsGeneralError()
    {
        for (uint i = 0; i < 128; i++)
        {
            Assert.That(Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, i)).Status, Is.EqualTo(GntSt.Okay), $"map {i}");
        }

        GnttabMapGrantRef op = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 128));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
    }

    [Test]
    public void Map_WhileTheGuestRewritesItsEntry_EitherSucceedsOrIsGeneralError_AndNeverHangs()
    {
        Domain other = _bed.CreateGuest();
        using var stop = new CancellationTokenSource();
        Task hostileGuest = Task.Run(() =>
        {
            bool toDom0 = false;
            while (!stop.IsCancellationRequested)
            {
                toDom0 = !toDom0;
                Grant(_guest, 11, toDom0 ? _dom0.Id : other.Id, GrantedGfn);
            }
        });

        var statuses = new List<GntSt>();
        for (int i = 0; i < 2000; i++)
        {
            GnttabMapGrantRef op = Map(_dom0, _guest.Id, 11, MapSlot(_dom0, 0));
            statuses.Add(op.Status);
            if (op.Status == GntSt.Okay)
            {
                Assert.That(Unmap(_dom0, op.Handle, MapSlot(_dom0, 0).Address), Is.EqualTo(GntSt.Okay));
            }
        }

        stop.Cancel();
        Assert.That(hostileGuest.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(statuses, Is.All.EqualTo(GntSt.Okay).Or.EqualTo(GntSt.GeneralError));
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void Map_Batch_GivesEachElementItsOwnStatus()
    {
        GnttabMapGrantRef[] ops =
        [
            new() { Dom = _guest.Id, Ref = new GrantRef(Gref), HostAddr = MapSlot(_dom0, 0).Address, Flags = GntMapFlags.HostMap },
            new() { Dom = _guest.Id, Ref = new GrantRef(9999), HostAddr = MapSlot(_dom0, 1).Address, Flags = GntMapFlags.HostMap },
            new() { Dom = new DomId(77), Ref = new GrantRef(Gref), HostAddr = MapSlot(_dom0, 2).Address, Flags = GntMapFlags.HostMap },
        ];

        _dom0.Hypercalls.GrantTable.MapGrantRef(ops);

        Assert.That(ops.Select(o => o.Status), Is.EqualTo(new[] { GntSt.Okay, GntSt.BadGntref, GntSt.BadDomain }));
    }
}
