using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Grants;
using static XvifSim.Tests.Core.Grants.GrantTestBed;

namespace XvifSim.Tests.Core.Grants;

/// <summary>GNTTABOP_unmap_grant_ref: Xen's unmap_common checks, then the pins and busy bits it drops.</summary>
public sealed class UnmapGrantRefTests
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
    public void Unmap_RemovesTheFrame_ClearsBusyBits_AndFreesTheHandle()
    {
        GnttabMapGrantRef map = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        GntSt status = Unmap(_dom0, map.Handle, MapSlot(_dom0, 0).Address);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
        Assert.That(_dom0.Memory.IsPresent(MapSlot(_dom0, 0)), Is.False);
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess));
        Assert.That(_guest.Memory.Frame(new Gfn(GrantedGfn))!.ForeignMaps, Is.Zero);
        Assert.That(_guest.GrantTable.IsMappedByOthers, Is.False);
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void Unmap_NeverIssuedHandle_IsBadHandle()
    {
        Assert.That(Unmap(_dom0, new GrantHandle(12345), MapSlot(_dom0, 0).Address), Is.EqualTo(GntSt.BadHandle));
    }

    [Test]
    public void Unmap_FreeHandleInAllocatedMaptrack_IsBadHandle()
    {
        GnttabMapGrantRef map = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        Assert.That(Unmap(_dom0, new GrantHandle(map.Handle.Value + 1), MapSlot(_dom0, 0).Address), Is.EqualTo(GntSt.BadHandle));
    }

    [Test]
    public void Unmap_Twice_IsBadHandle()
    {
        GnttabMapGrantRef map = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));
        Unmap(_dom0, map.Handle, MapSlot(_dom0, 0).Address);

        Assert.That(Unmap(_dom0, map.Handle, MapSlot(_dom0, 0).Address), Is.EqualTo(GntSt.BadHandle));
    }

    [Test]
    public void Unmap_AnotherDomainsHandle_IsBadHandle()
    {
        GnttabMapGrantRef map = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));
        Domain other = _bed.CreateGuest();

        Assert.That(Unmap(other, map.Handle, MapSlot(_dom0, 0).Address), Is.EqualTo(GntSt.BadHandle));
        Assert.That(_dom0.Memory.IsPresent(MapSlot(_dom0, 0)), Is.True);
    }

    [Test]
    public void Unmap_HostAddrNotWhereTheHandleMaps_IsGeneralError_AndKeepsTheMapping()
    {
        GnttabMapGrantRef map = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 1));

        GntSt status = Unmap(_dom0, map.Handle, MapSlot(_dom0, 1).Address);

        Assert.That(status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(_dom0.Memory.IsPresent(MapSlot(_dom0, 0)), Is.True);
        Assert.That(_dom0.Memory.IsPresent(MapSlot(_dom0, 1)), Is.True);
        Assert.That(Unmap(_dom0, map.Handle, MapSlot(_dom0, 0).Address), Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Unmap_DevBusAddrNotTheFrame_IsGeneralError()
    {
        GnttabMapGrantRef map = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        GntSt status = Unmap(_dom0, map.Handle, MapSlot(_dom0, 0).Address, map.DevBusAddr + XenPage.Size);

        Assert.That(status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(_dom0.Memory.IsPresent(MapSlot(_dom0, 0)), Is.True);
    }

    [Test]
    public void Unmap_DevBusAddrOfTheFrame_IsAccepted()
    {
        GnttabMapGrantRef map = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        Assert.That(Unmap(_dom0, map.Handle, MapSlot(_dom0, 0).Address, map.DevBusAddr), Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Unmap_ZeroHostAddr_UndoesNothing_AndReportsOkay_AsXen()
    {
        GnttabMapGrantRef map = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        GntSt status = Unmap(_dom0, map.Handle, hostAddr: 0);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
        Assert.That(_dom0.Memory.IsPresent(MapSlot(_dom0, 0)), Is.True);
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing));
    }

    [Test]
    public void Unmap_LastWritableMapping_ClearsWriting_ButReadingStaysForTheReadonlyOne()
    {
        GnttabMapGrantRef writable = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 1), GntMapFlags.HostMap | GntMapFlags.Readonly);

        Unmap(_dom0, writable.Handle, MapSlot(_dom0, 0).Address);

        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading));
        Assert.That(_guest.GrantTable.Outstanding(), Is.EqualTo(new[] { $"gref {Gref} mapped by d0 (ro)" }));
    }

    [Test]
    public void Unmap_OneOfTwoWritableMappings_KeepsWriting()
    {
        GnttabMapGrantRef first = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 1));

        Unmap(_dom0, first.Handle, MapSlot(_dom0, 0).Address);

        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing));
    }

    [Test]
    public void Unmap_Batch_GivesEachElementItsOwnStatus()
    {
        GnttabMapGrantRef map = Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));
        GnttabUnmapGrantRef[] ops =
        [
            new() { Handle = new GrantHandle(999), HostAddr = MapSlot(_dom0, 0).Address },
            new() { Handle = map.Handle, HostAddr = MapSlot(_dom0, 0).Address },
            new() { Handle = map.Handle, HostAddr = MapSlot(_dom0, 0).Address },
        ];

        _dom0.Hypercalls.GrantTable.UnmapGrantRef(ops);

        Assert.That(ops.Select(o => o.Status), Is.EqualTo(new[] { GntSt.BadHandle, GntSt.Okay, GntSt.BadHandle }));
    }
}
