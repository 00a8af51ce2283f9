using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Grants;
using static XvifSim.Tests.Core.Grants.GrantTestBed;

namespace XvifSim.Tests.Core.Grants;

/// <summary>GNTTABOP_copy: Xen's gnttab_copy_one order and GNTST codes, transient busy bits, no allocation.</summary>
public sealed class CopyTests
{
    private const uint Gref = 10;
    private const ulong GrantedGfn = 5;
    private const ulong LocalGfn = 20;

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

    private GnttabCopyPtr GuestGrant(uint gref = Gref, ushort offset = 0) => GnttabCopyPtr.Grant(_guest.Id, new GrantRef(gref), offset);

    private static GnttabCopyPtr Local(ulong gfn = LocalGfn, ushort offset = 0) => GnttabCopyPtr.Frame(new Gfn(gfn), offset);

    [Test]
    public void Copy_FromGrant_CopiesTheBytesAtTheOffsets()
    {
        _guest.Memory.Page(new Gfn(GrantedGfn))[300] = 0x5A;
        _guest.Memory.Page(new Gfn(GrantedGfn))[301] = 0xA5;

        GntSt status = Copy(_dom0, GuestGrant(offset: 300), Local(offset: 7), 2, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
        Assert.That(_dom0.Memory.Page(new Gfn(LocalGfn))[7..9], Is.EqualTo(new byte[] { 0x5A, 0xA5 }));
    }

    [Test]
    public void Copy_IntoGrant_CopiesTheBytes()
    {
        _dom0.Memory.Page(new Gfn(LocalGfn))[0] = 0x77;

        GntSt status = Copy(_dom0, Local(), GuestGrant(offset: 4095), 1, GntCopyFlags.DestGref);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
        Assert.That(_guest.Memory.Page(new Gfn(GrantedGfn))[4095], Is.EqualTo(0x77));
    }

    [Test]
    public void Copy_Afterwards_LeavesNoBusyBits()
    {
        Copy(_dom0, GuestGrant(), Local(), 16, GntCopyFlags.SourceGref);
        Copy(_dom0, Local(), GuestGrant(), 16, GntCopyFlags.DestGref);

        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess));
        Assert.That(EndAccess(_guest, Gref), Is.True);
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void Copy_WhileMapped_KeepsTheMappingsBusyBits()
    {
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        Assert.That(Copy(_dom0, Local(), GuestGrant(), 16, GntCopyFlags.DestGref), Is.EqualTo(GntSt.Okay));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing));
    }

    [Test]
    public void Copy_IntoGrantMappedReadonly_ClearsOnlyTheTransientWriting()
    {
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);

        Assert.That(Copy(_dom0, Local(), GuestGrant(), 16, GntCopyFlags.DestGref), Is.EqualTo(GntSt.Okay));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading));
    }

    [Test]
    public void Copy_GrantToGrant_WithinOneEntry_Works()
    {
        _guest.Memory.Page(new Gfn(GrantedGfn))[0] = 0x42;

        GntSt status = Copy(_dom0, GuestGrant(offset: 0), GuestGrant(offset: 100), 1, GntCopyFlags.SourceGref | GntCopyFlags.DestGref);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
        Assert.That(_guest.Memory.Page(new Gfn(GrantedGfn))[100], Is.EqualTo(0x42));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_OwnGrantByDomidSelf_Works()
    {
        Grant(_dom0, 3, _dom0.Id, 9);

        GntSt status = Copy(_dom0, GnttabCopyPtr.Grant(DomId.Self, new GrantRef(3), 0), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
    }

    [TestCase(4000, 0, 97)]
    [TestCase(0, 4000, 97)]
    [TestCase(1, 0, 4096)]
    public void Copy_OffsetPlusLenBeyondThePage_IsBadCopyArg_AndLeavesNoBusyBits(int sourceOffset, int destOffset, int len)
    {
        GntSt status = Copy(_dom0, GuestGrant(offset: (ushort)sourceOffset), Local(offset: (ushort)destOffset), (ushort)len, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadCopyArg));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_WholePage_IsAllowed()
    {
        Assert.That(Copy(_dom0, GuestGrant(), Local(), XenPage.Size, GntCopyFlags.SourceGref), Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Copy_FrameSideNamingADomainOtherThanDomidSelf_IsPermissionDenied_EvenItsOwnId()
    {
        var byOwnId = new GnttabCopyPtr { Domid = _dom0.Id, Gmfn = new Gfn(LocalGfn) };
        var byOther = new GnttabCopyPtr { Domid = _guest.Id, Gmfn = new Gfn(GrantedGfn) };

        Assert.That(Copy(_dom0, GuestGrant(), byOwnId, 8, GntCopyFlags.SourceGref), Is.EqualTo(GntSt.PermissionDenied));
        Assert.That(Copy(_dom0, byOther, Local(), 8, GntCopyFlags.None), Is.EqualTo(GntSt.PermissionDenied));
    }

    [Test]
    public void Copy_UnknownDomain_IsBadDomain()
    {
        GntSt status = Copy(_dom0, GnttabCopyPtr.Grant(new DomId(55), new GrantRef(Gref), 0), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void Copy_DomainChecksComeBeforeTheClaims_AsXen()
    {
        var badDest = new GnttabCopyPtr { Domid = _guest.Id, Gmfn = new Gfn(1) };

        GntSt status = Copy(_dom0, GuestGrant(gref: 99_999), badDest, 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.PermissionDenied));
    }

    [Test]
    public void Copy_RefBeyondTable_IsBadGntref()
    {
        GntSt status = Copy(_dom0, GuestGrant(gref: 512), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadGntref));
    }

    [Test]
    public void Copy_ClaimsComeBeforeTheBoundsCheck_AsXen()
    {
        GntSt status = Copy(_dom0, GuestGrant(gref: 512, offset: 4095), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadGntref));
    }

    [Test]
    public void Copy_EntryForAnotherDomain_IsGeneralError()
    {
        Domain other = _bed.CreateGuest();

        GntSt status = Copy(other, GuestGrant(), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_InvalidEntry_IsGeneralError()
    {
        Assert.That(Copy(_dom0, GuestGrant(gref: 11), Local(), 8, GntCopyFlags.SourceGref), Is.EqualTo(GntSt.GeneralError));
    }

    [Test]
    public void Copy_IntoReadonlyGrant_IsGeneralError_AndTheSourcePinIsDropped()
    {
        Grant(_guest, 11, _dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);

        GntSt status = Copy(_dom0, GuestGrant(), GuestGrant(gref: 11), 8, GntCopyFlags.SourceGref | GntCopyFlags.DestGref);

        Assert.That(status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(_guest, 11), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Readonly));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_OutOfReadonlyGrant_Succeeds()
    {
        Grant(_guest, 11, _dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);

        Assert.That(Copy(_dom0, GuestGrant(gref: 11), Local(), 8, GntCopyFlags.SourceGref), Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Copy_GrantedFrameNotPresent_IsBadPage()
    {
        Grant(_guest, 11, _dom0.Id, _guest.Memory.Layout.End.Value);

        GntSt status = Copy(_dom0, GuestGrant(gref: 11), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadPage));
        Assert.That(EntryFlags(_guest, 11), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_LocalFrameNotPresent_IsBadPage()
    {
        GntSt status = Copy(_dom0, GuestGrant(), Local(gfn: _dom0.Memory.Layout.MapSpaceStart.Value), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadPage));
        Assert.That(EntryFlags(_guest, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_LocalFrameThatIsAForeignMapping_IsBadPage()
    {
        Map(_dom0, _guest.Id, Gref, MapSlot(_dom0, 0));

        GntSt status = Copy(_dom0, Local(gfn: MapSlot(_dom0, 0).Value), Local(), 8, GntCopyFlags.None);

        Assert.That(status, Is.EqualTo(GntSt.BadPage));
    }

    [Test]
    public void Copy_Batch_GivesEachElementItsOwnStatus()
    {
        GnttabCopy[] ops =
        [
            new() { Source = GuestGrant(), Dest = Local(), Len = 8, Flags = GntCopyFlags.SourceGref },
            new() { Source = GuestGrant(gref: 600), Dest = Local(), Len = 8, Flags = GntCopyFlags.SourceGref },
            new() { Source = GuestGrant(offset: 4095), Dest = Local(), Len = 8, Flags = GntCopyFlags.SourceGref },
            new() { Source = Local(), Dest = GuestGrant(), Len = 8, Flags = GntCopyFlags.DestGref },
        ];

        _dom0.Hypercalls.GrantTable.Copy(ops);

        Assert.That(ops.Select(o => o.Status), Is.EqualTo(new[] { GntSt.Okay, GntSt.BadGntref, GntSt.BadCopyArg, GntSt.Okay }));
    }

    [Test]
    public void Copy_DoesNotAllocatePerElement()
    {
        var ops = new GnttabCopy[64];
        for (int i = 0; i < ops.Length; i++)
        {
            ops[i] = i % 2 == 0
                ? new GnttabCopy { Source = GuestGrant(), Dest = Local(), Len = 1500, Flags = GntCopyFlags.SourceGref }
                : new GnttabCopy { Source = Local(), Dest = GuestGrant(), Len = 1500, Flags = GntCopyFlags.DestGref };
        }

        IGrantTableOps grants = _dom0.Hypercalls.GrantTable;
        grants.Copy(ops);
        long allocated = Allocation.Least(() =>
        {
            for (int round = 0; round < 100; round++)
            {
                grants.Copy(ops);
            }
        });

        Assert.That(ops.Select(o => o.Status), Is.All.EqualTo(GntSt.Okay));
        Assert.That(allocated, Is.Zero);
    }
}
