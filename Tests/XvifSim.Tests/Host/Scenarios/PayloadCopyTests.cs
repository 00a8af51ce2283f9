using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Faults;
using XvifSim.Emulator.XenStore;
using XvifSim.Guest.Net;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Host.Scenarios;

/// <summary>
/// Guest to guest through dom0's bridge, capture off: a frame's bytes are
/// moved only by the two grant copies of its hop (guest1's slots into a dom0
/// buffer, that buffer into guest2's posted page). Counted three ways, so that
/// a copy added back anywhere on the path fails: the hypervisor's grant-copy
/// bytes, the packet pools' own copy counters, and the identity of the pages
/// the copies touch with the pages the buffers on each interface lie in.
/// </summary>
public sealed class PayloadCopyTests
{
    private const int Frames = 8;
    private const ushort Port = 7007;

    [TestCase(64)]
    [TestCase(1514)]
    [TestCase(9014)]
    public void OnlyTheTwoGrantCopiesOfEachHopMoveAFramesBytes(int frameLength)
    {
        using var xen = new SimulatedXen(new ScenarioOptions(Seed: 1), "copies");
        var failures = new List<string>();
        (GuestSystem one, GuestSystem two) = GuestPair.Start(xen, failures) ?? throw new InvalidOperationException(string.Join("; ", failures));
        var scheduler = xen.Machine.Scheduler;
        NetworkInterface vif1 = xen.Dom0.Kernel.Interfaces.Find("xvif1i0")!;
        NetworkInterface vif2 = xen.Dom0.Kernel.Interfaces.Find("xvif2i0")!;
        if (frameLength > 1514)
        {
            foreach (NetworkInterface iface in new[] { one.Xennet0!, two.Xennet0!, vif1, vif2 })
            {
                VcpuWork.Run(scheduler, iface == vif1 || iface == vif2 ? xen.Dom0.Kernel : iface == one.Xennet0 ? one.Kernel : two.Kernel, () => iface.Mtu = 9000);
            }
        }

        // ARP first, uncounted: only the measured datagrams cross afterwards.
        byte[] payload = new byte[frameLength - GuestToGuestHeaders];
        Send(xen, one, two, payload, 1);

        var copies = new CopyRecorder();
        xen.Machine.Faults = copies;
        var sent = new SegmentTap();
        var upOnVif1 = new SegmentTap();
        var outOnVif2 = new SegmentTap();
        var received = new SegmentTap();
        VcpuWork.Run(scheduler, one.Kernel, () => one.Xennet0!.AddTap(sent));
        VcpuWork.Run(scheduler, xen.Dom0.Kernel, () =>
        {
            vif1.AddTap(upOnVif1);
            vif2.AddTap(outOnVif2);
        });
        VcpuWork.Run(scheduler, two.Kernel, () => two.Xennet0!.AddTap(received));
        (long In, long Out) guest1Before = Copied(one.Kernel.Packets), dom0Before = Copied(xen.Dom0.Kernel.Packets), guest2Before = Copied(two.Kernel.Packets);

        Send(xen, one, two, payload, Frames);

        Assert.Multiple(() =>
        {
            Assert.That(copies.Ops.Sum(o => o.Len), Is.EqualTo(2L * frameLength * Frames), "grant-copied bytes: one TX and one RX copy of each frame");
            Assert.That(Copied(one.Kernel.Packets), Is.EqualTo((guest1Before.In + (payload.Length * Frames), guest1Before.Out)), "guest1: only the datagrams' payloads entered its buffers (the application's write)");
            Assert.That(Copied(xen.Dom0.Kernel.Packets), Is.EqualTo(dom0Before), "dom0 copied nothing in or out of its buffers");
            Assert.That(Copied(two.Kernel.Packets), Is.EqualTo(guest2Before), "guest2 copied nothing in or out of its buffers");

            // TX hop: every copy into dom0 writes into a segment of a buffer xvif1i0 handed up.
            GnttabCopy[] tx = [.. copies.Ops.Where(o => (o.Flags & GntCopyFlags.SourceGref) != 0)];
            GnttabCopy[] rx = [.. copies.Ops.Where(o => (o.Flags & GntCopyFlags.DestGref) != 0)];
            Assert.That(tx.Sum(o => o.Len) + rx.Sum(o => o.Len), Is.EqualTo(copies.Ops.Sum(o => o.Len)));
            Assert.That(ByFrame(tx, frameLength).Select((ops, i) => ops.All(o => upOnVif1.Covers(i, o.Dest.Gmfn, o.Dest.Offset, o.Len))), Has.All.True, "each frame's TX copies land in the buffer xvif1i0 passes up");

            // The bridge forwards the very buffers: xvif2i0 sends what xvif1i0 received, segment for segment.
            Assert.That(outOnVif2.Frames.Select(Describe), Is.EqualTo(upOnVif1.Frames.Select(Describe)), "the bridge forwards xvif1i0's buffers unchanged");

            // RX hop: every copy to guest2 reads a segment of a buffer xvif2i0 sent.
            Assert.That(ByFrame(rx, frameLength).Select((ops, i) => ops.All(o => outOnVif2.Covers(i, o.Source.Gmfn, o.Source.Offset, o.Len))), Has.All.True, "each frame's RX copies read the buffer xvif2i0 sent");

            // guest1 granted its own buffers where the frames lie in them: each frame's first TX copy reads from its first segment's offset.
            Assert.That(ByFrame(tx, frameLength).Select(ops => (int)ops[0].Source.Offset), Is.EqualTo(sent.Frames.Select(f => f[0].Offset)), "xennet grants the buffer's pages at their real offsets");
            Assert.That(sent.Frames.Select(f => f[0].Offset), Has.All.Not.Zero, "frames the stack builds start past ETHER_ALIGN");

            // guest2 was handed the pages the RX copies filled: the lengths of its segments are those of the RX slots.
            Assert.That(received.Frames.Select(f => f.Sum(s => s.Length)), Has.All.EqualTo(frameLength));
            Assert.That(received.Frames.Select(f => f.Length), Has.All.EqualTo((frameLength + XenPage.Size - 1) / XenPage.Size), "one page per RX slot, chained, not reassembled");
            Assert.That(two.Ip!.Counters.UdpBadChecksum, Is.Zero, "checksums verify across the chained segments");
        });

        if (frameLength > XenPage.Size)
        {
            Assert.That(sent.Frames.All(f => f.Length > 2), "a jumbo frame is a chain of clusters across pages");
        }

        Assert.That(xen.Dom0.Kernel.Packets.BuffersInUse, Is.Zero, "dom0 holds no buffer once the frames are delivered");
        Assert.That(two.Kernel.Packets.BuffersInUse, Is.Zero, "guest2's stack freed what it received");
    }

    /// <summary>Ethernet (14) + IPv4 (20) + UDP (8).</summary>
    private const int GuestToGuestHeaders = 42;

    /// <summary>guest1 sends <paramref name="count"/> datagrams to a port nobody binds on guest2, which verifies each checksum (in place) and counts it.</summary>
    private static void Send(SimulatedXen xen, GuestSystem one, GuestSystem two, byte[] payload, int count)
    {
        long before = two.Ip!.Counters.UdpNoPort;
        for (int i = 0; i < count; i++)
        {
            payload.AsSpan().Fill((byte)(i + 1));
            byte[] copy = (byte[])payload.Clone();
            VcpuWork.Run(xen.Machine.Scheduler, one.Kernel, () => one.Ip!.SendTo(two.Address, Port, Port, copy));
            Assert.That(xen.Machine.Scheduler.RunUntil(() => two.Ip.Counters.UdpNoPort == before + i + 1, TimeSpan.FromSeconds(5)), $"datagram {i} reached guest2");
        }
    }

    private static (long In, long Out) Copied(PacketPool pool) => (pool.BytesCopiedIn, pool.BytesCopiedOut);

    private static string Describe(PacketSegment[] frame) => string.Join(" ", frame.Select(s => $"{s.Gfn.Value}+{s.Offset}:{s.Length}"));

    /// <summary>The ops of each frame, taken in order <paramref name="frameLength"/> bytes at a time.</summary>
    private static List<List<GnttabCopy>> ByFrame(GnttabCopy[] ops, int frameLength)
    {
        var frames = new List<List<GnttabCopy>>();
        int filled = 0;
        foreach (GnttabCopy op in ops)
        {
            if (filled == 0)
            {
                frames.Add([]);
            }

            frames[^1].Add(op);
            filled = (filled + op.Len) % frameLength;
        }

        return frames;
    }

    /// <summary>Records the segments of every frame crossing an interface (no bytes read).</summary>
    private sealed class SegmentTap : ICaptureTap
    {
        public List<PacketSegment[]> Frames { get; } = [];

        public void Frame(NetworkInterface iface, FrameDirection direction, PacketBuffer packet) =>
            Frames.Add([.. Enumerable.Range(0, packet.SegmentCount).Select(packet.Segment)]);

        /// <summary>True if bytes <paramref name="offset"/> to + <paramref name="length"/> of page <paramref name="gfn"/> lie in a segment of frame <paramref name="frame"/>.</summary>
        public bool Covers(int frame, Gfn gfn, int offset, int length) =>
            frame < Frames.Count && Frames[frame].Any(s => s.Gfn == gfn && s.Offset <= offset && offset + length <= s.Offset + s.Length);
    }

    /// <summary>A fault plan that injects nothing and remembers every grant copy op.</summary>
    private sealed class CopyRecorder : IFaultHooks
    {
        public List<GnttabCopy> Ops { get; } = [];

        public GntSt MapGrant(Domain caller, in GnttabMapGrantRef op) => GntSt.Okay;

        public GntSt CopyGrant(Domain caller, in GnttabCopy op)
        {
            Ops.Add(op);
            return GntSt.Okay;
        }

        public EvtchnFault SendEvent(Domain sender, EvtchnPort port) => EvtchnFault.Deliver;

        public Errno XenStoreRequest(XsConnection conn, XsdSockmsgType type, string path) => Errno.Ok;
    }
}
