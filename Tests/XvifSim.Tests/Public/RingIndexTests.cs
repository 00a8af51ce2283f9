using XvifSim.Public;

namespace XvifSim.Tests.Public;

/// <summary>io/ring.h's RING_IDX is a free-running u32: arithmetic must survive the wrap.</summary>
public class RingIndexTests
{
    [Test]
    public void DistanceIsModulo2To32AcrossTheWrap()
    {
        var older = new RingIndex(0xFFFF_FFF0);
        var newer = older + 0x20;
        Assert.Multiple(() =>
        {
            Assert.That(newer.Value, Is.EqualTo(0x10u));
            Assert.That(newer - older, Is.EqualTo(0x20u));
        });
    }

    [Test]
    public void SubtractingACountWrapsBelowZero() =>
        Assert.That((new RingIndex(3) - 5u).Value, Is.EqualTo(0xFFFF_FFFEu));

    [TestCase(0xFFFF_FFFFu, 256u, 255)]
    [TestCase(0x0000_0100u, 256u, 0)]
    [TestCase(0x1234_5678u, 1024u, 0x278)]
    public void SlotMasksByTheRingSize(uint index, uint size, int slot) =>
        Assert.That(new RingIndex(index).Slot(size), Is.EqualTo(slot));

    [Test]
    public void WindowMembershipHoldsAcrossTheWrap()
    {
        var from = new RingIndex(0xFFFF_FFFE);
        Assert.Multiple(() =>
        {
            Assert.That(new RingIndex(0xFFFF_FFFE).IsWithin(from, 4), Is.True);
            Assert.That(new RingIndex(1).IsWithin(from, 4), Is.True);
            Assert.That(new RingIndex(2).IsWithin(from, 4), Is.False);
            Assert.That(new RingIndex(0xFFFF_FFFD).IsWithin(from, 4), Is.False, "one behind the window is far ahead in u32");
        });
    }
}
