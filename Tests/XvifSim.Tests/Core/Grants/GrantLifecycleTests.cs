using XvifSim.Emulator.Domains;
using XvifSim.Public;
using XvifSim.Public.Grants;
using static XvifSim.Tests.Core.Grants.GrantTestBed;

namespace XvifSim.Tests.Core.Grants;

/// <summary>
/// Grants across two domains end to end, and what destroying either side does
/// (gnttab_release_mappings, and a mapped page keeping a dying granter a zombie).
/// </summary>
public sealed class GrantLifecycleTests
{
    private const uint Gref = 8;
    private const ulong GrantedGfn = 40;

    private GrantTestBed _bed = null!;
    private Domain _dom0 = null!;
    private Domain _dom1 = null!;

    [SetUp]
    public void SetUp()
    {
        _bed = new GrantTestBed();
        _dom0 = _bed.Dom0;
        _dom1 = _bed.CreateGuest(new DomainConfig("guest1"));
    }

    [TearDown]
    public void TearDown() => _bed.Dispose();

    [Test]
    public void TwoDomains_GrantMapWriteCopyUnmapEndAccess()
    {
        // dom1 finds its grant frame and writes an entry granting one of its pages to dom0.
        IHypercalls guest = _dom1.Hypercalls;
        var setup = new GnttabSetupTable { Dom = DomId.Self, NrFrames = 1 };
        guest.GrantTable.SetupTable(ref setup);
        Assert.That(setup.Status, Is.EqualTo(GntSt.Okay));
        Span<byte> grantFrame = guest.Memory.Page(setup.FrameList![0]);
        GrantEntryV1.Write(grantFrame, GrantEntryV1.OffsetInFrame(new GrantRef(Gref)), DomId.Dom0, (uint)GrantedGfn, GtfFlags.PermitAccess);
        Memory<byte> sharedPage = guest.Memory.PageMemory(new Gfn(GrantedGfn));

        // dom0 maps it and writes through the mapping; dom1 sees the bytes.
        IHypercalls backend = _dom0.Hypercalls;
        Gfn at = MapSlot(_dom0, 3);
        GnttabMapGrantRef[] map = [new() { Dom = _dom1.Id, Ref = new GrantRef(Gref), HostAddr = at.Address, Flags = GntMapFlags.HostMap }];
        backend.GrantTable.MapGrantRef(map);
        Assert.That(map[0].Status, Is.EqualTo(GntSt.Okay));
        "hello"u8.CopyTo(backend.Memory.Page(at)[64..]);
        Assert.That(sharedPage.Span[64..69].ToArray(), Is.EqualTo("hello"u8.ToArray()));

        // dom0 copies into and out of the granted page with GNTTABOP_copy.
        Gfn buffer = new(7);
        "world"u8.CopyTo(backend.Memory.Page(buffer));
        GnttabCopy[] copies =
        [
            new() { Source = GnttabCopyPtr.Frame(buffer, 0), Dest = GnttabCopyPtr.Grant(_dom1.Id, new GrantRef(Gref), 200), Len = 5, Flags = GntCopyFlags.DestGref },
            new() { Source = GnttabCopyPtr.Grant(_dom1.Id, new GrantRef(Gref), 64), Dest = GnttabCopyPtr.Frame(buffer, 100), Len = 5, Flags = GntCopyFlags.SourceGref },
        ];
        backend.GrantTable.Copy(copies);
        Assert.That(copies.Select(c => c.Status), Is.All.EqualTo(GntSt.Okay));
        Assert.That(sharedPage.Span[200..205].ToArray(), Is.EqualTo("world"u8.ToArray()));
        Assert.That(backend.Memory.Page(buffer)[100..105].ToArray(), Is.EqualTo("hello"u8.ToArray()));

        // dom1 cannot end access while the grant is mapped (GTF_reading set).
        Assert.That(EntryFlags(_dom1, Gref) & GtfFlags.Reading, Is.EqualTo(GtfFlags.Reading));
        Assert.That(EndAccess(_dom1, Gref), Is.False);
        Assert.That(_bed.Machine.Outstanding(), Is.EqualTo(new[]
        {
            $"{_dom0}: handle {map[0].Handle.Value} maps d1 gref {Gref}",
            $"{_dom1}: gref {Gref} mapped by d0 (rw)",
        }));

        // dom0 unmaps; now dom1 can end access and nothing is held.
        GnttabUnmapGrantRef[] unmap = [new() { Handle = map[0].Handle, HostAddr = at.Address }];
        backend.GrantTable.UnmapGrantRef(unmap);
        Assert.That(unmap[0].Status, Is.EqualTo(GntSt.Okay));
        Assert.That(backend.Memory.IsPresent(at), Is.False);
        Assert.That(EndAccess(_dom1, Gref), Is.True);
        Assert.That(EntryFlags(_dom1, Gref), Is.EqualTo(GtfFlags.Invalid));
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void DestroyMapper_ReleasesItsMappings_AndClearsTheGrantersBusyBits()
    {
        Grant(_dom0, 4, _dom1.Id, 12);
        Grant(_dom0, 5, _dom1.Id, 13);
        Map(_dom1, _dom0.Id, 4, MapSlot(_dom1, 0));
        Map(_dom1, _dom0.Id, 5, MapSlot(_dom1, 1), GntMapFlags.HostMap | GntMapFlags.Readonly);

        _bed.Machine.DestroyDomain(_dom1.Id);

        Assert.That(_dom1.State, Is.EqualTo(DomainState.Dead));
        Assert.That(EntryFlags(_dom0, 4), Is.EqualTo(GtfFlags.PermitAccess));
        Assert.That(EntryFlags(_dom0, 5), Is.EqualTo(GtfFlags.PermitAccess));
        Assert.That(_dom0.Memory.Frame(new Gfn(12))!.ForeignMaps, Is.Zero);
        Assert.That(_dom0.GrantTable.IsMappedByOthers, Is.False);
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void DestroyMapper_ThatMapsItsOwnGrant_IsGoneAfterwards()
    {
        Grant(_dom1, 4, _dom1.Id, 12);
        Assert.That(Map(_dom1, _dom1.Id, 4, MapSlot(_dom1, 0)).Status, Is.EqualTo(GntSt.Okay));

        _bed.Machine.DestroyDomain(_dom1.Id);

        Assert.That(_dom1.State, Is.EqualTo(DomainState.Dead));
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void DestroyGranterWhileMapped_PageStaysReadable_GranterDyingUntilUnmap()
    {
        Grant(_dom1, Gref, _dom0.Id, GrantedGfn);
        _dom1.Memory.Page(new Gfn(GrantedGfn))[0] = 0x99;
        GnttabMapGrantRef map = Map(_dom0, _dom1.Id, Gref, MapSlot(_dom0, 0));

        _bed.Machine.DestroyDomain(_dom1.Id);

        Assert.That(_dom1.State, Is.EqualTo(DomainState.Dying));
        Assert.That(_bed.Machine.TryGetDomain(_dom1.Id, out _), Is.True);
        Assert.That(_dom0.Memory.Page(MapSlot(_dom0, 0))[0], Is.EqualTo(0x99));
        Assert.That(_bed.Machine.Outstanding(), Does.Contain($"{_dom1}: dying, pages still mapped by peers"));

        Assert.That(Unmap(_dom0, map.Handle, MapSlot(_dom0, 0).Address), Is.EqualTo(GntSt.Okay));

        Assert.That(_dom1.State, Is.EqualTo(DomainState.Dead));
        Assert.That(_bed.Machine.TryGetDomain(_dom1.Id, out _), Is.False);
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void DestroyGranterWhileMapped_ThenDestroyMapper_FreesBoth()
    {
        Domain dom2 = _bed.CreateGuest(new DomainConfig("guest2"));
        Grant(_dom1, Gref, dom2.Id, GrantedGfn);
        Map(dom2, _dom1.Id, Gref, MapSlot(dom2, 0));

        _bed.Machine.DestroyDomain(_dom1.Id);
        Assert.That(_dom1.State, Is.EqualTo(DomainState.Dying));
        _bed.Machine.DestroyDomain(dom2.Id);

        Assert.That(_dom1.State, Is.EqualTo(DomainState.Dead));
        Assert.That(dom2.State, Is.EqualTo(DomainState.Dead));
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
    }

    [Test]
    public void DestroyGranterWhileMapped_CopyFromIt_IsBadDomain()
    {
        Grant(_dom1, Gref, _dom0.Id, GrantedGfn);
        Map(_dom0, _dom1.Id, Gref, MapSlot(_dom0, 0));
        _bed.Machine.DestroyDomain(_dom1.Id);

        GntSt status = Copy(_dom0, GnttabCopyPtr.Grant(_dom1.Id, new GrantRef(Gref), 0), GnttabCopyPtr.Frame(new Gfn(1), 0), 8, GntCopyFlags.SourceGref);

        Assert.That(status, Is.EqualTo(GntSt.BadDomain));
    }

    [Test]
    public void ConcurrentMapUnmapAndCopy_BetweenDomainsMappingEachOther_FinishesAndLeavesNothing()
    {
        Domain dom2 = _bed.CreateGuest(new DomainConfig("guest2"));
        for (uint gref = 0; gref < 8; gref++)
        {
            Grant(_dom1, gref, dom2.Id, 100 + gref);
            Grant(dom2, gref, _dom1.Id, 100 + gref);
        }

        void Churn(Domain mapper, Domain granter)
        {
            for (int round = 0; round < 2000; round++)
            {
                uint gref = (uint)(round % 8);
                Gfn at = MapSlot(mapper, gref);
                GnttabMapGrantRef map = Map(mapper, granter.Id, gref, at);
                Assert.That(map.Status, Is.EqualTo(GntSt.Okay));
                Assert.That(Copy(mapper, GnttabCopyPtr.Grant(granter.Id, new GrantRef((gref + 1) % 8), 0), GnttabCopyPtr.Frame(new Gfn(1), 0), 64, GntCopyFlags.SourceGref), Is.EqualTo(GntSt.Okay));
                Assert.That(Unmap(mapper, map.Handle, at.Address), Is.EqualTo(GntSt.Okay));
            }
        }

        Task one = Task.Run(() => Churn(_dom1, dom2));
        Task two = Task.Run(() => Churn(dom2, _dom1));

        Assert.That(Task.WaitAll([one, two], TimeSpan.FromSeconds(30)), Is.True, "deadlock");
        Assert.That(_bed.Machine.Outstanding(), Is.Empty);
        for (uint gref = 0; gref < 8; gref++)
        {
            Assert.That(EntryFlags(_dom1, gref), Is.EqualTo(GtfFlags.PermitAccess));
            Assert.That(EntryFlags(dom2, gref), Is.EqualTo(GtfFlags.PermitAccess));
        }
    }
}
