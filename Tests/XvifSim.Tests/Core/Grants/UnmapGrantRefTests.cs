using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Grants;
using static XvifSim.Tests.Core.Grants.GrantTestBed;

namespace XvifSim.Tests.Core.Grants;

/// <summary>GNTTABOP_unmap_grant_ref: Xen's unmap_common checks, then the pins and busy bits it drops.</summary>
internal sealed class UnmapGrantRefTests : GrantedPageFixture
{
    [Test]
    public void Unmap_RemovesTheFrame_ClearsBusyBits_AndFreesTheHandle()
    {
        GnttabMapGrantRef map = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        GntSt status = Unmap(Dom0, map.Handle, MapSlot(Dom0, 0).Address);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
        Assert.That(Dom0.Memory.IsPresent(MapSlot(Dom0, 0)), Is.False);
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess));
        Assert.That(Granter.Memory.Frame(new Gfn(GrantedGfn))!.ForeignMaps, Is.Zero);
        Assert.That(Granter.GrantTable.IsMappedByOthers, Is.False);
        Assert.That(Bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void Unmap_NeverIssuedHandle_IsBadHandle()
    {
        Assert.That(Unmap(Dom0, new GrantHandle(12345), MapSlot(Dom0, 0).Address), Is.EqualTo(GntSt.BadHandle));
    }

    [Test]
    public void Unmap_FreeHandleInAllocatedMaptrack_IsBadHandle()
    {
        GnttabMapGrantRef map = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        Assert.That(Unmap(Dom0, new GrantHandle(map.Handle.Value + 1), MapSlot(Dom0, 0).Address), Is.EqualTo(GntSt.BadHandle));
    }

    [Test]
    public void Unmap_Twice_IsBadHandle()
    {
        GnttabMapGrantRef map = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));
        Unmap(Dom0, map.Handle, MapSlot(Dom0, 0).Address);

        Assert.That(Unmap(Dom0, map.Handle, MapSlot(Dom0, 0).Address), Is.EqualTo(GntSt.BadHandle));
    }

    [Test]
    public void Unmap_AnotherDomainsHandle_IsBadHandle()
    {
        GnttabMapGrantRef map = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));
        Domain other = Bed.CreateGuest();

        Assert.That(Unmap(other, map.Handle, MapSlot(Dom0, 0).Address), Is.EqualTo(GntSt.BadHandle));
        Assert.That(Dom0.Memory.IsPresent(MapSlot(Dom0, 0)), Is.True);
    }

    [Test]
    public void Unmap_HostAddrNotWhereTheHandleMaps_IsGeneralError_AndKeepsTheMapping()
    {
        GnttabMapGrantRef map = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 1));

        GntSt status = Unmap(Dom0, map.Handle, MapSlot(Dom0, 1).Address);

        Assert.That(status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(Dom0.Memory.IsPresent(MapSlot(Dom0, 0)), Is.True);
        Assert.That(Dom0.Memory.IsPresent(MapSlot(Dom0, 1)), Is.True);
        Assert.That(Unmap(Dom0, map.Handle, MapSlot(Dom0, 0).Address), Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Unmap_DevBusAddrNotTheFrame_IsGeneralError()
    {
        GnttabMapGrantRef map = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        GntSt status = Unmap(Dom0, map.Handle, MapSlot(Dom0, 0).Address, map.DevBusAddr + XenPage.Size);

        Assert.That(status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(Dom0.Memory.IsPresent(MapSlot(Dom0, 0)), Is.True);
    }

    [Test]
    public void Unmap_DevBusAddrOfTheFrame_IsAccepted()
    {
        GnttabMapGrantRef map = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        Assert.That(Unmap(Dom0, map.Handle, MapSlot(Dom0, 0).Address, map.DevBusAddr), Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Unmap_ZeroHostAddr_UndoesNothing_AndReportsOkay_AsXen()
    {
        GnttabMapGrantRef map = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        GntSt status = Unmap(Dom0, map.Handle, hostAddr: 0);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
        Assert.That(Dom0.Memory.IsPresent(MapSlot(Dom0, 0)), Is.True);
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing));
    }

    [Test]
    public void Unmap_LastWritableMapping_ClearsWriting_ButReadingStaysForTheReadonlyOne()
    {
        GnttabMapGrantRef writable = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 1), GntMapFlags.HostMap | GntMapFlags.Readonly);

        Unmap(Dom0, writable.Handle, MapSlot(Dom0, 0).Address);

        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading));
        Assert.That(Granter.GrantTable.Outstanding(), Is.EqualTo(new[] { $"gref {Gref} mapped by d0 (ro)" }));
    }

    [Test]
    public void Unmap_OneOfTwoWritableMappings_KeepsWriting()
    {
        GnttabMapGrantRef first = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 1));

        Unmap(Dom0, first.Handle, MapSlot(Dom0, 0).Address);

        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing));
    }

    [Test]
    public void Unmap_Batch_GivesEachElementItsOwnStatus()
    {
        GnttabMapGrantRef map = Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));
        GnttabUnmapGrantRef[] ops =
        [
            new() { Handle = new GrantHandle(999), HostAddr = MapSlot(Dom0, 0).Address },
            new() { Handle = map.Handle, HostAddr = MapSlot(Dom0, 0).Address },
            new() { Handle = map.Handle, HostAddr = MapSlot(Dom0, 0).Address },
        ];

        Dom0.Hypercalls.GrantTable.UnmapGrantRef(ops);

        Assert.That(ops.Select(o => o.Status), Is.EqualTo(new[] { GntSt.BadHandle, GntSt.Okay, GntSt.BadHandle }));
    }
}
