using System.Diagnostics;
using XvifSim.Emulator.XenStore;
using XvifSim.Guest.Xenbus;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Benchmarks;

/// <summary>
/// XenStore requests per second: in the core, READ and WRITE of one existing
/// node as the ring and socket servers hand them to it (the request's
/// wire-format payload into <see cref="XenStoreCore.Process"/>, each reply
/// and event copied by the sink into one reused buffer as the servers copy
/// them), from an unprivileged guest so that permissions and quotas are
/// checked, with dom0 watching the node's directory so that every WRITE
/// also formats and delivers an event; the same through the host client
/// (<see cref="XsHostClient"/>, the toolstack's string API on top, which
/// builds strings and waits on a task per call); and a guest's xenbus
/// client over its ring, one request at a time (WRITE, then READ, each
/// awaited) under the threaded scheduler (what a round trip through the ring
/// page, the event channel and the server costs).
/// </summary>
internal static class XenStoreBenchmarks
{
    private static readonly DomId Guest = new(1);

    public static (Measurement Reads, Measurement Writes) Core(TimeSpan duration)
    {
        var core = new XenStoreCore();
        using var host = new XsHostClient(core);
        Expect(core.IntroduceDomain(Guest));
        Expect(host.Mkdir("/local/domain/1/data"));
        Expect(host.SetPerms("/local/domain/1", "n1"));
        Expect(host.SetPerms("/local/domain/1/data", "n1"));
        var guest = new ServerLikeSink();
        var dom0 = new ServerLikeSink();
        XsConnection guestConn = core.Connect(Guest, privileged: false, guest.Receive);
        XsConnection dom0Conn = core.Connect(DomId.Dom0, privileged: true, dom0.Receive);
        core.Process(dom0Conn, XsdSockmsgType.Watch, 1, 0, "/local/domain/1/data\0bench\0"u8);
        byte[] write = "data/bench\0value"u8.ToArray();
        byte[] read = "data/bench\0"u8.ToArray();
        core.Process(guestConn, XsdSockmsgType.Write, 1, 0, write);
        guest.Expect(XsdSockmsgType.Write);
        Measurement writes = Measurement.Take("XenStore core WRITE (guest, wire payload)", duration, () => core.Process(guestConn, XsdSockmsgType.Write, 2, 0, write));
        guest.Expect(XsdSockmsgType.Write);
        dom0.Expect(XsdSockmsgType.WatchEvent);
        Measurement reads = Measurement.Take("XenStore core READ (guest, wire payload)", duration, () => core.Process(guestConn, XsdSockmsgType.Read, 3, 0, read));
        guest.Expect(XsdSockmsgType.Read);
        return (reads, writes);
    }

    /// <summary>The toolstack's string API on top of the core: dom0 writing and reading one node.</summary>
    public static (Measurement Reads, Measurement Writes) HostClient(TimeSpan duration)
    {
        var core = new XenStoreCore();
        using var client = new XsHostClient(core);
        Expect(client.Write("/local/domain/0/data/bench", "value"));
        Measurement writes = Measurement.Take("XenStore host client WRITE (dom0, strings)", duration, () => Expect(client.Write("/local/domain/0/data/bench", "value")));
        Measurement reads = Measurement.Take("XenStore host client READ (dom0, strings)", duration, () => Expect(client.Read("/local/domain/0/data/bench", out _)));
        return (reads, writes);
    }

    /// <summary>One guest with no vif; its vCPU writes and reads a node under its own data/ directory in a loop. ops/s counts both.</summary>
    public static Measurement Ring(TimeSpan warmUp, TimeSpan duration)
    {
        using var xen = new SimulatedXen(new ScenarioOptions(Threaded: true), "xs-ring");
        GuestSystem guest = xen.StartGuest(new GuestConfig("guest1"), GuestPair.OneAddress);
        if (!xen.Machine.Scheduler.RunUntil(() => guest.Booted, TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException("guest1 did not boot within 10 s");
        }

        string path = $"/local/domain/{guest.Kernel.DomId.Value}/data/bench";
        long ops = 0;
        bool stop = false;
        string? failure = null;
        guest.Kernel.Run(async () =>
        {
            while (!Volatile.Read(ref stop))
            {
                Errno written = await guest.Store.WriteAsync(path, "value");
                XsResult<string> read = await guest.Store.ReadAsync(path);
                if (written != Errno.Ok || read.Error != Errno.Ok)
                {
                    failure = $"WRITE {written}, READ {read.Error}";
                    return;
                }

                Volatile.Write(ref ops, ops + 2);
            }
        });

        xen.Machine.Scheduler.RunFor(warmUp);
        long before = Volatile.Read(ref ops);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        xen.Machine.Scheduler.RunFor(duration);
        long done = Volatile.Read(ref ops) - before;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        double seconds = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, true);
        if (failure is not null || done == 0)
        {
            throw new InvalidOperationException($"the guest's XenStore loop failed: {failure ?? "no request completed"}");
        }

        return new Measurement("XenStore over a guest ring, WRITE+READ", done / seconds, (double)allocated / done);
    }

    private static void Expect(Errno result)
    {
        if (result != Errno.Ok)
        {
            throw new InvalidOperationException($"a XenStore request failed: {result}");
        }
    }
}
