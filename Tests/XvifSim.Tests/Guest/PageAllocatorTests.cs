using XvifSim.Guest.Memory;
using XvifSim.Public;

namespace XvifSim.Tests.Guest;

public class PageAllocatorTests
{
    [Test]
    public void HandsOutRamLowestFirstAndReusesFreedPagesZeroed()
    {
        var guest = new FakeGuest();
        var pages = new PageAllocator(guest.Memory);
        Gfn first = pages.Allocate();
        Gfn second = pages.Allocate();
        guest.PageAt(first)[10] = 0xAA;
        pages.Free(first);
        Gfn again = pages.Allocate();

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(new Gfn(0)));
            Assert.That(second, Is.EqualTo(new Gfn(1)));
            Assert.That(again, Is.EqualTo(first));
            Assert.That(guest.PageAt(again)[10], Is.Zero, "a reused page must not leak its old contents");
            Assert.That(pages.InUse, Is.EqualTo(2));
        });
    }

    [Test]
    public void RunsOutAtTheEndOfRam()
    {
        var guest = new FakeGuest();
        var pages = new PageAllocator(guest.Memory);
        for (int i = 0; i < (int)guest.Layout.RamPages; i++)
        {
            pages.Allocate();
        }

        Assert.Multiple(() =>
        {
            Assert.That(pages.TryAllocate(out _), Is.False);
            Assert.That(() => pages.Allocate(), Throws.InvalidOperationException);
            Assert.That(() => pages.Free(guest.Layout.SharedInfo), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
