using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Grants;
using static XvifSim.Tests.Core.Grants.GrantTestBed;

namespace XvifSim.Tests.Core.Grants;

/// <summary>GNTTABOP_map_grant_ref: Xen's map_grant_ref check order and GNTST codes, busy bits and pins.</summary>
internal sealed class MapGrantRefTests : GrantedPageFixture
{
    [Test]
    public void Map_Succeeds_PlacesTheGrantedFrameAtHostAddr()
    {
        Granter.Memory.Page(new Gfn(GrantedGfn))[100] = 0xAB;

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(Dom0.Memory.Frame(MapSlot(Dom0, 0)), Is.SameAs(Granter.Memory.Frame(new Gfn(GrantedGfn))));
        Assert.That(Dom0.Memory.Page(MapSlot(Dom0, 0))[100], Is.EqualTo(0xAB));
        Assert.That(Granter.Memory.Frame(new Gfn(GrantedGfn))!.ForeignMaps, Is.EqualTo(1));
        Assert.That(op.DevBusAddr, Is.EqualTo(Granter.Memory.Frame(new Gfn(GrantedGfn))!.Mfn.Value << XenPage.Shift));
    }

    [Test]
    public void Map_Writable_SetsReadingAndWriting()
    {
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing));
        Assert.That(Granter.GrantTable.IsMappedByOthers, Is.True);
    }

    [Test]
    public void Map_Readonly_SetsReadingOnly()
    {
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);

        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading));
    }

    [Test]
    public void Map_WritableAfterReadonly_AddsWriting()
    {
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);
        GnttabMapGrantRef second = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 1));

        Assert.That(second.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing));
    }

    [Test]
    public void Map_SuccessiveMaps_GetDistinctHandles()
    {
        GnttabMapGrantRef first = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));
        GnttabMapGrantRef second = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 1));

        Assert.That(second.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(second.Handle, Is.Not.EqualTo(first.Handle));
    }

    [Test]
    public void Map_OwnGrantByOwnId_Succeeds()
    {
        Grant(Granter, 11, Granter.Id, GrantedGfn);

        GnttabMapGrantRef op = Map(Granter, Granter.Id, 11, MapSlot(Granter, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
        Assert.That(Granter.Memory.Frame(MapSlot(Granter, 0)), Is.SameAs(Granter.Memory.Frame(new Gfn(GrantedGfn))));
    }

    [Test]
    public void Map_WithoutHostMapOrDeviceMap_IsBadGntref()
    {
        GnttabMapGrantRef op = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0), GntMapFlags.Readonly);

        Assert.That(op.Status, Is.EqualTo(GntSt.BadGntref));
    }

    [Test]
    public void Map_DeviceMapByTranslatedGuest_IsGeneralError()
    {
        GnttabMapGrantRef op = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0), GntMapFlags.HostMap | GntMapFlags.DeviceMap);

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Map_UnknownGranter_IsBadDomain()
    {
        GnttabMapGrantRef op = Map(Dom0, new DomId(42), Gref, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void Map_DomidSelf_IsBadDomain_AsXensLookupByRealId()
    {
        Grant(Granter, 11, Granter.Id, GrantedGfn);

        GnttabMapGrantRef op = Map(Granter, DomId.Self, 11, MapSlot(Granter, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void Map_DyingGranter_IsBadDomain()
    {
        Domain other = Bed.CreateGuest();
        Grant(Granter, 11, other.Id, GrantedGfn);
        Assert.That(Map(other, Granter.Id, 11, MapSlot(other, 0)).Status, Is.EqualTo(GntSt.Okay));
        Bed.Machine.DestroyDomain(Granter.Id);
        Assert.That(Granter.State, Is.EqualTo(DomainState.Dying));

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void Map_RefBeyondTable_IsBadGntref()
    {
        GnttabMapGrantRef op = Map(Dom0, Granter.Id, GrantEntryV1.EntriesPerFrame, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadGntref));
    }

    [Test]
    public void Map_RefInGrownTable_Succeeds()
    {
        var setup = new GnttabSetupTable { Dom = DomId.Self, NrFrames = 2 };
        Granter.Hypercalls.GrantTable.SetupTable(ref setup);
        Grant(Granter, 600, Dom0.Id, GrantedGfn);

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, 600, MapSlot(Dom0, 0));

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
        Grant(Granter, 11, Dom0.Id, GrantedGfn, GtfFlags.AcceptTransfer);

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, 11, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(Granter, 11), Is.EqualTo(GtfFlags.AcceptTransfer));
    }

    [Test]
    public void Map_InvalidEntry_IsGeneralError()
    {
        GnttabMapGrantRef op = Map(Dom0, Granter.Id, 12, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
    }

    [Test]
    public void Map_SubPageEntry_IsGeneralError()
    {
        Grant(Granter, 11, Dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.SubPage);

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, 11, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
    }

    [Test]
    public void Map_EntryForAnotherDomain_IsGeneralError()
    {
        Domain other = Bed.CreateGuest();

        GnttabMapGrantRef op = Map(other, Granter.Id, Gref, MapSlot(other, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Map_EntryPinnedForAnotherDomain_IsGeneralError_EvenIfTheGuestRewroteDomid()
    {
        Domain other = Bed.CreateGuest();
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));
        Grant(Granter, Gref, other.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing);

        GnttabMapGrantRef op = Map(other, Granter.Id, Gref, MapSlot(other, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
    }

    [Test]
    public void Map_ReadonlyGrantWritable_IsGeneralError_AsXensSetStatus()
    {
        Grant(Granter, 11, Dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, 11, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(Granter, 11), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Readonly));
    }

    [Test]
    public void Map_ReadonlyGrantReadonly_Succeeds()
    {
        Grant(Granter, 11, Dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, 11, MapSlot(Dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);

        Assert.That(op.Status, Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Map_ReadonlyGrantWritableWhileMappedReadonly_IsGeneralError_AndKeepsReading()
    {
        Grant(Granter, 11, Dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);
        Map(Dom0, Granter.Id, 11, MapSlot(Dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, 11, MapSlot(Dom0, 1));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(Granter, 11), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Readonly | GtfFlags.Reading));
    }

    [Test]
    public void Map_FrameNotPresent_IsBadPage_AndClearsTheBusyBits()
    {
        Grant(Granter, 11, Dom0.Id, Granter.Memory.Layout.End.Value + 10);

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, 11, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadPage));
        Assert.That(EntryFlags(Granter, 11), Is.EqualTo(GtfFlags.PermitAccess));
        Assert.That(Dom0.Memory.IsPresent(MapSlot(Dom0, 0)), Is.False);
    }

    [Test]
    public void Map_FrameIsAForeignPageTheGranterMaps_IsBadPage()
    {
        Grant(Dom0, 3, Granter.Id, 7);
        Assert.That(Map(Granter, Dom0.Id, 3, MapSlot(Granter, 0)).Status, Is.EqualTo(GntSt.Okay));
        Grant(Granter, 11, Dom0.Id, MapSlot(Granter, 0).Value);

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, 11, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.BadPage));
    }

    [Test]
    public void Map_UnalignedHostAddr_IsGeneralError()
    {
        GnttabMapGrantRef op = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0).Address + 8, GntMapFlags.HostMap);

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Map_HostAddrOutsideMapSpace_IsGeneralError()
    {
        GnttabMapGrantRef op = Map(Dom0, Granter.Id, Gref, new Gfn(3));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(Granter.GrantTable.IsMappedByOthers, Is.False);
    }

    [Test]
    public void Map_HostAddrAlreadyMapped_IsGeneralError_AndLeavesOnlyTheFirstPin()
    {
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading));
        Assert.That(Granter.GrantTable.Outstanding(), Is.EqualTo(new[] { $"gref {Gref} mapped by d0 (ro)" }));
    }

    [Test]
    public void Map_PinCountLimit_129thMapOfOneEntryIsGeneralError()
    {
        for (uint i = 0; i < 128; i++)
        {
            Assert.That(Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, i)).Status, Is.EqualTo(GntSt.Okay), $"map {i}");
        }

        GnttabMapGrantRef op = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 128));

        Assert.That(op.Status, Is.EqualTo(GntSt.GeneralError));
    }

    [Test]
    public void Map_WhileTheGuestRewritesItsEntry_EitherSucceedsOrIsGeneralError_AndNeverHangs()
    {
        Domain other = Bed.CreateGuest();
        using var stop = new CancellationTokenSource();
        Task hostileGuest = Task.Run(() =>
        {
            bool toDom0 = false;
            while (!stop.IsCancellationRequested)
            {
                toDom0 = !toDom0;
                Grant(Granter, 11, toDom0 ? Dom0.Id : other.Id, GrantedGfn);
            }
        });

        var statuses = new List<GntSt>();
        for (int i = 0; i < 2000; i++)
        {
            GnttabMapGrantRef op = Map(Dom0, Granter.Id, 11, MapSlot(Dom0, 0));
            statuses.Add(op.Status);
            if (op.Status == GntSt.Okay)
            {
                Assert.That(Unmap(Dom0, op.Handle, MapSlot(Dom0, 0).Address), Is.EqualTo(GntSt.Okay));
            }
        }

        stop.Cancel();
        Assert.That(hostileGuest.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(statuses, Is.All.EqualTo(GntSt.Okay).Or.EqualTo(GntSt.GeneralError));
        Assert.That(Bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void Map_Batch_GivesEachElementItsOwnStatus()
    {
        GnttabMapGrantRef[] ops =
        [
            new() { Dom = Granter.Id, Ref = new GrantRef(Gref), HostAddr = MapSlot(Dom0, 0).Address, Flags = GntMapFlags.HostMap },
            new() { Dom = Granter.Id, Ref = new GrantRef(9999), HostAddr = MapSlot(Dom0, 1).Address, Flags = GntMapFlags.HostMap },
            new() { Dom = new DomId(77), Ref = new GrantRef(Gref), HostAddr = MapSlot(Dom0, 2).Address, Flags = GntMapFlags.HostMap },
        ];

        Dom0.Hypercalls.GrantTable.MapGrantRef(ops);

        Assert.That(ops.Select(o => o.Status), Is.EqualTo(new[] { GntSt.Okay, GntSt.BadGntref, GntSt.BadDomain }));
    }
}
