using System.Runtime.InteropServices;
using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Memory;
using XvifSim.Emulator.Scheduling;
using XvifSim.Public;
using XvifSim.Public.Memory;

namespace XvifSim.Tests.Core.Memory;

/// <summary>
/// A domain's guest-physical frames are one page-aligned native block
/// (Emulator/Core/Memory/NativePageBlock.cs): aligned, contiguous in gfn
/// order, zero on first touch, at an address that never moves, and gone
/// (cleanly, not as a wild access) once the domain is reaped.
/// </summary>
public class NativeGuestMemoryTests
{
    private Machine _machine = null!;
    private Domain _guest = null!;

    [SetUp]
    public void SetUp()
    {
        _machine = new Machine(new DeterministicScheduler(seed: 1), new MachineOptions { XenStore = false });
        _guest = _machine.CreateDomain(new DomainConfig("guest") { RamPages = 64, MaxGrantFrames = 4, MapSpacePages = 16 });
    }

    [TearDown]
    public void TearDown() => _machine.Dispose();

    private PhysMap Layout => _guest.Memory.Layout;

    /// <summary>Every gfn below the map space: RAM, shared_info, the XenStore ring, the grant frames (placed or not yet).</summary>
    private IEnumerable<Gfn> OwnGfns() => Enumerable.Range(0, (int)Layout.GrantFramesStart.Value + 1).Select(i => new Gfn((ulong)i));

    [Test]
    public void EveryFrameIsPageAligned()
    {
        Assert.That(OwnGfns().Select(gfn => (long)_guest.Memory.Frame(gfn)!.Address % XenPage.Size), Is.All.EqualTo(0L));
    }

    [Test]
    public void ConsecutiveGfnsAreConsecutivePagesOfHostMemory_AcrossRamSpecialPagesAndGrantFrames()
    {
        PageFrame[] frames = [.. OwnGfns().Select(gfn => _guest.Memory.Frame(gfn)!)];
        Assert.Multiple(() =>
        {
            for (int i = 1; i < frames.Length; i++)
            {
                Assert.That(frames[i].Address, Is.EqualTo(frames[i - 1].Address + XenPage.Size), $"gfn {i} follows gfn {i - 1}");
                Assert.That(frames[i].Mfn.Value, Is.EqualTo(frames[i - 1].Mfn.Value + 1), $"mfn of gfn {i}");
            }

            Assert.That(frames[Layout.SharedInfo.Value], Is.SameAs(_guest.SharedInfo));
            Assert.That(frames[Layout.XenstoreRing.Value], Is.SameAs(_guest.XenstoreRing));
        });
    }

    [Test]
    public void APageIsZeroOnFirstTouch_AndKeepsWhatIsWritten()
    {
        var gfn = new Gfn(17);
        Span<byte> page = _guest.Memory.Page(gfn);
        Assert.That(page.Length, Is.EqualTo(XenPage.Size));
        Assert.That(page.IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "zero-filled");

        page[0] = 0x11;
        page[XenPage.Size - 1] = 0x22;
        Assert.Multiple(() =>
        {
            Assert.That(_guest.Memory.Page(gfn)[0], Is.EqualTo(0x11));
            Assert.That(_guest.Memory.Page(gfn)[XenPage.Size - 1], Is.EqualTo(0x22));
            Assert.That(_guest.Memory.Page(new Gfn(18)).IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "the neighbour is untouched");
        });
    }

    [Test]
    public void AFramesAddressIsStable_AndIsWhereItsBytesAre()
    {
        var gfn = new Gfn(5);
        PageFrame frame = _guest.Memory.Frame(gfn)!;
        nint address = frame.Address;
        _guest.Memory.Page(gfn)[100] = 0xA7;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        Assert.Multiple(() =>
        {
            Assert.That(_guest.Memory.Frame(gfn), Is.SameAs(frame));
            Assert.That(frame.Address, Is.EqualTo(address), "native memory does not move under a compacting GC");
            Assert.That(Marshal.ReadByte(address, 100), Is.EqualTo(0xA7), "a native reader at Address sees the guest's bytes");
            Assert.That(_guest.Memory.PageMemory(gfn).Span[100], Is.EqualTo(0xA7), "the Memory view is the same page");
        });
    }

    [Test]
    public void OnLinux_OnlyTheRamPagesAGuestWroteAreResident()
    {
        Assume.That(OperatingSystem.IsLinux(), "the block is an mmap only on Linux (elsewhere it is cleared, so resident, at once)");
        Domain big = _machine.CreateDomain(new DomainConfig("big") { RamPages = 4096 });
        nint ram = big.Memory.Frame(new Gfn(0))!.Address;
        Assert.That(LinuxMincore.ResidentPages(ram, 4096), Is.Zero, "16 MiB of RAM, none touched");

        foreach (ulong gfn in new ulong[] { 1, 1000, 4095 })
        {
            big.Memory.Page(new Gfn(gfn))[7] = 1;
        }

        Assert.That(LinuxMincore.ResidentPages(ram, 4096), Is.EqualTo(3), "a written page, and only it, costs a resident page");
    }

    [Test]
    public void TheMachineCountsOneBlockPerDomain_OfItsWholeAddressSpaceBelowTheMapSpace()
    {
        long before = _machine.Frames.BlocksOutstanding, bytesBefore = _machine.Frames.BytesOutstanding;
        Domain other = _machine.CreateDomain(new DomainConfig("other") { RamPages = 100, MaxGrantFrames = 8 });

        Assert.Multiple(() =>
        {
            Assert.That(_machine.Frames.BlocksOutstanding, Is.EqualTo(before + 1));
            Assert.That(_machine.Frames.BytesOutstanding - bytesBefore, Is.EqualTo((long)(100 + PhysMap.SpecialPages + 8) * XenPage.Size));
            Assert.That(other.Memory.Frame(other.Memory.Layout.MapSpaceStart), Is.Null, "the map space is not the domain's own memory");
        });
    }

    [Test]
    public void AfterTheDomainIsReaped_ItsPagesFaultAndAHeldFrameRefusesAccess()
    {
        PageFrame frame = _guest.Memory.Frame(new Gfn(3))!;
        Memory<byte> kept = _guest.Memory.PageMemory(new Gfn(3));

        _machine.DestroyDomain(_guest.Id);

        Assert.Multiple(() =>
        {
            Assert.That(_guest.State, Is.EqualTo(DomainState.Dead));
            Assert.That(_guest.Memory.IsReleased, Is.True);
            Assert.That(_guest.Memory.IsPresent(new Gfn(3)), Is.False);
            Assert.Throws<GuestPageFaultException>(() => _guest.Memory.Page(new Gfn(3)));
            Assert.Throws<ObjectDisposedException>(() => _ = frame.Span.Length);
            Assert.Throws<ObjectDisposedException>(() => _ = kept.Span.Length);
        });
    }
}
