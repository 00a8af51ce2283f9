using XvifSim.Public;
using XvifSim.Public.Memory;

namespace XvifSim.Tests.Public;

/// <summary>The numbers of xen.h and errno.h that the typed identifiers carry.</summary>
public class IdentifierTests
{
    [Test]
    public void ReservedDomainIdsAreXens()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DomId.Self.Value, Is.EqualTo(0x7FF0));
            Assert.That(DomId.Invalid.Value, Is.EqualTo(0x7FF4));
            Assert.That(DomId.Any.Value, Is.EqualTo(0x7FF5));
            Assert.That(DomId.Self.IsRealDomain, Is.False);
            Assert.That(new DomId(0x7FEF).IsRealDomain, Is.True);
            Assert.That(DomId.Self.ToString(), Is.EqualTo("DOMID_SELF"));
            Assert.That(new DomId(3).ToString(), Is.EqualTo("d3"));
        });
    }

    [Test]
    public void ErrnoNumbersMatchXenAndLinux()
    {
        int[] expected = [1, 2, 3, 5, 7, 11, 12, 13, 14, 16, 17, 21, 22, 28, 30, 38, 39, 106];
        Errno[] names =
        [
            Errno.EPERM, Errno.ENOENT, Errno.ESRCH, Errno.EIO, Errno.E2BIG, Errno.EAGAIN, Errno.ENOMEM, Errno.EACCES,
            Errno.EFAULT, Errno.EBUSY, Errno.EEXIST, Errno.EISDIR, Errno.EINVAL, Errno.ENOSPC, Errno.EROFS, Errno.ENOSYS,
            Errno.ENOTEMPTY, Errno.EISCONN,
        ];
        Assert.That(names.Select(n => (int)n), Is.EqualTo(expected));
    }

    [Test]
    public void GfnAddressesAreFourKiBPages()
    {
        Assert.Multiple(() =>
        {
            Assert.That(XenPage.Size, Is.EqualTo(4096));
            Assert.That(new Gfn(0x12).Address, Is.EqualTo(0x12000UL));
            Assert.That(Gfn.FromAddress(0x12FFF), Is.EqualTo(new Gfn(0x12)));
        });
    }

    [Test]
    public void PhysMapRegionsFollowEachOther()
    {
        var map = new PhysMap(RamPages: 100, MaxGrantFrames: 4, MapSpacePages: 10);
        Assert.Multiple(() =>
        {
            Assert.That(map.SharedInfo, Is.EqualTo(new Gfn(100)));
            Assert.That(map.XenstoreRing, Is.EqualTo(new Gfn(101)));
            Assert.That(map.GrantFramesStart, Is.EqualTo(new Gfn(102)));
            Assert.That(map.MapSpaceStart, Is.EqualTo(new Gfn(106)));
            Assert.That(map.End, Is.EqualTo(new Gfn(116)));
            Assert.That(map.IsRam(new Gfn(99)), Is.True);
            Assert.That(map.IsRam(new Gfn(100)), Is.False);
            Assert.That(map.IsMapSpace(new Gfn(105)), Is.False);
            Assert.That(map.IsMapSpace(new Gfn(115)), Is.True);
            Assert.That(map.IsMapSpace(new Gfn(116)), Is.False);
        });
    }
}
