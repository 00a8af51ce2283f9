using XvifSim.Emulator.Memory;
using XvifSim.Guest.Memory;
using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Memory;

namespace XvifSim.Tests.Guest.Net;

/// <summary>A packet pool over a domain's memory of its own, for tests of the stack and bridge without Xen underneath.</summary>
internal static class TestPackets
{
    public static PacketPool Pool(int ramPages = 1024, int maxPages = 1024)
    {
        var memory = new DomainMemory(new DomId(1), new PhysMap((ulong)ramPages, MaxGrantFrames: 1, MapSpacePages: 0), new FrameAllocator());
        return new PacketPool(memory, new PageAllocator(memory), maxPages);
    }

    /// <summary>A buffer from <paramref name="pool"/> holding <paramref name="frame"/> (chained across clusters when longer than one).</summary>
    public static PacketBuffer From(this PacketPool pool, ReadOnlySpan<byte> frame)
    {
        Assert.That(pool.TryAllocate(frame.Length, out PacketBuffer packet), "the test's pool has room");
        packet.CopyFrom(0, frame);
        return packet;
    }
}
