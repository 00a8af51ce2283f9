using System.Diagnostics;
using XvifSim.Emulator.XenStore;
using XvifSim.Guest.Xenbus;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;
using XvifSim.Public;

namespace XvifSim.Benchmarks;

/// <summary>
/// XenStore requests per second: in the core, a host client's READ and WRITE
/// of one node with no I/O between (what the tree, permissions and
/// accounting cost), and a guest's xenbus client over its ring, one
/// request at a time (WRITE, then READ, each awaited) under the threaded
/// scheduler (what a round trip through the ring page, the event channel
/// and the server costs).
/// </summary>
internal static class XenStoreBenchmarks
{
    public static (Measurement Reads, Measurement Writes) Core(TimeSpan duration)
    {
        var core = new XenStoreCore();
        using var client = new XsHostClient(core);
        Expect(client.Write("/local/domain/0/data/bench", "value"));
        Measurement writes = Measurement.Take("XenStore core WRITE", duration, () => Expect(client.Write("/local/domain/0/data/bench", "value")));
        Measurement reads = Measurement.Take("XenStore core READ", duration, () => Expect(client.Read("/local/domain/0/data/bench", out _)));
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
