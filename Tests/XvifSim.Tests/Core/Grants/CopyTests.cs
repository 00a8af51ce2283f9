using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Grants;
using static XvifSim.Tests.Core.Grants.GrantTestBed;

namespace XvifSim.Tests.Core.Grants;

/// <summary>GNTTABOP_copy: Xen's gnttab_copy_one order and GNTST codes, transient busy bits, no allocation.</summary>
internal sealed class CopyTests : GrantedPageFixture
{
    private const ulong LocalGfn = 20;

    private GnttabCopyPtr GuestGrant(uint gref = Gref, ushort offset = 0) => GnttabCopyPtr.Grant(Granter.Id, new GrantRef(gref), offset);

    private static GnttabCopyPtr Local(ulong gfn = LocalGfn, ushort offset = 0) => GnttabCopyPtr.Frame(new Gfn(gfn), offset);

    [Test]
    public void Copy_FromGrant_CopiesTheBytesAtTheOffsets()
    {
        Granter.Memory.Page(new Gfn(GrantedGfn))[300] = 0x5A;
        Granter.Memory.Page(new Gfn(GrantedGfn))[301] = 0xA5;

        GntSt status = Copy(Dom0, GuestGrant(offset: 300), Local(offset: 7), 2, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
        Assert.That(Dom0.Memory.Page(new Gfn(LocalGfn))[7..9].ToArray(), Is.EqualTo(new byte[] { 0x5A, 0xA5 }));
    }

    [Test]
    public void Copy_IntoGrant_CopiesTheBytes()
    {
        Dom0.Memory.Page(new Gfn(LocalGfn))[0] = 0x77;

        GntSt status = Copy(Dom0, Local(), GuestGrant(offset: 4095), 1, GntCopyFlags.DestGref);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
        Assert.That(Granter.Memory.Page(new Gfn(GrantedGfn))[4095], Is.EqualTo(0x77));
    }

    [Test]
    public void Copy_Afterwards_LeavesNoBusyBits()
    {
        Copy(Dom0, GuestGrant(), Local(), 16, GntCopyFlags.SourceGref);
        Copy(Dom0, Local(), GuestGrant(), 16, GntCopyFlags.DestGref);

        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess));
        Assert.That(EndAccess(Granter, Gref), Is.True);
        Assert.That(Bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void Copy_WhileMapped_KeepsTheMappingsBusyBits()
    {
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        Assert.That(Copy(Dom0, Local(), GuestGrant(), 16, GntCopyFlags.DestGref), Is.EqualTo(GntSt.Okay));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading | GtfFlags.Writing));
    }

    [Test]
    public void Copy_IntoGrantMappedReadonly_ClearsOnlyTheTransientWriting()
    {
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0), GntMapFlags.HostMap | GntMapFlags.Readonly);

        Assert.That(Copy(Dom0, Local(), GuestGrant(), 16, GntCopyFlags.DestGref), Is.EqualTo(GntSt.Okay));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Reading));
    }

    [Test]
    public void Copy_GrantToGrant_WithinOneEntry_Works()
    {
        Granter.Memory.Page(new Gfn(GrantedGfn))[0] = 0x42;

        GntSt status = Copy(Dom0, GuestGrant(offset: 0), GuestGrant(offset: 100), 1, GntCopyFlags.SourceGref | GntCopyFlags.DestGref);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
        Assert.That(Granter.Memory.Page(new Gfn(GrantedGfn))[100], Is.EqualTo(0x42));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_OwnGrantByDomidSelf_Works()
    {
        Grant(Dom0, 3, Dom0.Id, 9);

        GntSt status = Copy(Dom0, GnttabCopyPtr.Grant(DomId.Self, new GrantRef(3), 0), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.Okay));
    }

    [TestCase(4000, 0, 97)]
    [TestCase(0, 4000, 97)]
    [TestCase(1, 0, 4096)]
    public void Copy_OffsetPlusLenBeyondThePage_IsBadCopyArg_AndLeavesNoBusyBits(int sourceOffset, int destOffset, int len)
    {
        GntSt status = Copy(Dom0, GuestGrant(offset: (ushort)sourceOffset), Local(offset: (ushort)destOffset), (ushort)len, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadCopyArg));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_WholePage_IsAllowed()
    {
        Assert.That(Copy(Dom0, GuestGrant(), Local(), XenPage.Size, GntCopyFlags.SourceGref), Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Copy_FrameSideNamingADomainOtherThanDomidSelf_IsPermissionDenied_EvenItsOwnId()
    {
        var byOwnId = new GnttabCopyPtr { Domid = Dom0.Id, Gmfn = new Gfn(LocalGfn) };
        var byOther = new GnttabCopyPtr { Domid = Granter.Id, Gmfn = new Gfn(GrantedGfn) };

        Assert.That(Copy(Dom0, GuestGrant(), byOwnId, 8, GntCopyFlags.SourceGref), Is.EqualTo(GntSt.PermissionDenied));
        Assert.That(Copy(Dom0, byOther, Local(), 8, GntCopyFlags.None), Is.EqualTo(GntSt.PermissionDenied));
    }

    [Test]
    public void Copy_UnknownDomain_IsBadDomain()
    {
        GntSt status = Copy(Dom0, GnttabCopyPtr.Grant(new DomId(55), new GrantRef(Gref), 0), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void Copy_DomainChecksComeBeforeTheClaims_AsXen()
    {
        var badDest = new GnttabCopyPtr { Domid = Granter.Id, Gmfn = new Gfn(1) };

        GntSt status = Copy(Dom0, GuestGrant(gref: 99_999), badDest, 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.PermissionDenied));
    }

    [Test]
    public void Copy_RefBeyondTable_IsBadGntref()
    {
        GntSt status = Copy(Dom0, GuestGrant(gref: 512), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadGntref));
    }

    [Test]
    public void Copy_ClaimsComeBeforeTheBoundsCheck_AsXen()
    {
        GntSt status = Copy(Dom0, GuestGrant(gref: 512, offset: 4095), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadGntref));
    }

    [Test]
    public void Copy_EntryForAnotherDomain_IsGeneralError()
    {
        Domain other = Bed.CreateGuest();

        GntSt status = Copy(other, GuestGrant(), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_InvalidEntry_IsGeneralError()
    {
        Assert.That(Copy(Dom0, GuestGrant(gref: 11), Local(), 8, GntCopyFlags.SourceGref), Is.EqualTo(GntSt.GeneralError));
    }

    [Test]
    public void Copy_IntoReadonlyGrant_IsGeneralError_AndTheSourcePinIsDropped()
    {
        Grant(Granter, 11, Dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);

        GntSt status = Copy(Dom0, GuestGrant(), GuestGrant(gref: 11), 8, GntCopyFlags.SourceGref | GntCopyFlags.DestGref);

        Assert.That(status, Is.EqualTo(GntSt.GeneralError));
        Assert.That(EntryFlags(Granter, 11), Is.EqualTo(GtfFlags.PermitAccess | GtfFlags.Readonly));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_OutOfReadonlyGrant_Succeeds()
    {
        Grant(Granter, 11, Dom0.Id, GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);

        Assert.That(Copy(Dom0, GuestGrant(gref: 11), Local(), 8, GntCopyFlags.SourceGref), Is.EqualTo(GntSt.Okay));
    }

    [Test]
    public void Copy_GrantedFrameNotPresent_IsBadPage()
    {
        Grant(Granter, 11, Dom0.Id, Granter.Memory.Layout.End.Value);

        GntSt status = Copy(Dom0, GuestGrant(gref: 11), Local(), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadPage));
        Assert.That(EntryFlags(Granter, 11), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_LocalFrameNotPresent_IsBadPage()
    {
        GntSt status = Copy(Dom0, GuestGrant(), Local(gfn: Dom0.Memory.Layout.MapSpaceStart.Value), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadPage));
        Assert.That(EntryFlags(Granter, Gref), Is.EqualTo(GtfFlags.PermitAccess));
    }

    [Test]
    public void Copy_LocalFrameThatIsAForeignMapping_IsBadPage()
    {
        Map(Dom0, Granter.Id, Gref, MapSlot(Dom0, 0));

        GntSt status = Copy(Dom0, Local(gfn: MapSlot(Dom0, 0).Value), Local(), 8, GntCopyFlags.None);

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

        Dom0.Hypercalls.GrantTable.Copy(ops);

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

        IGrantTableOps grants = Dom0.Hypercalls.GrantTable;
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
