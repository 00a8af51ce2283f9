using XvifSim.Public;

namespace XvifSim.Tests.Public;

/// <summary>Atomic bit operations on the real bytes of a shared page, little-endian.</summary>
public class SharedBitsTests
{
    [Test]
    public void TestAndSetReportsThePreviousBitAndWritesLittleEndian()
    {
        var page = new byte[XenPage.Size];
        Assert.Multiple(() =>
        {
            Assert.That(SharedBits.TestAndSet(page, 2048, 1UL << 9), Is.False);
            Assert.That(SharedBits.TestAndSet(page, 2048, 1UL << 9), Is.True);
            Assert.That(page[2049], Is.EqualTo(0x02), "bit 9 lives in the word's second byte");
            Assert.That(SharedBits.TestAndClear(page, 2048, 1UL << 9), Is.True);
            Assert.That(SharedBits.TestAndClear(page, 2048, 1UL << 9), Is.False);
            Assert.That(page[2049], Is.Zero);
        });
    }

    [Test]
    public void ExchangeReturnsTheOldWord()
    {
        var page = new byte[XenPage.Size];
        SharedBits.TestAndSet(page, 8, 0b101);
        Assert.Multiple(() =>
        {
            Assert.That(SharedBits.ExchangeU64(page, 8, 0), Is.EqualTo(0b101UL));
            Assert.That(SharedBits.ReadU64(page, 8), Is.Zero);
        });
    }

    [Test]
    public void MisalignedOrOutOfPageFieldsAreRefused()
    {
        var page = new byte[XenPage.Size];
        Assert.Multiple(() =>
        {
            Assert.That(() => SharedBits.ReadU64(page, 4), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => SharedBits.ReadU32(page, XenPage.Size), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void ConcurrentSettersNeverLoseABit()
    {
        var page = new byte[XenPage.Size];
        Parallel.For(0, 64, bit => SharedBits.TestAndSet(page, 0, 1UL << bit));
        Assert.That(SharedBits.ReadU64(page, 0), Is.EqualTo(ulong.MaxValue));
    }
}
