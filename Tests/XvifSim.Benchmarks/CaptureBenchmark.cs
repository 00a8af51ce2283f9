using System.Diagnostics;
using XvifSim.Emulator.Memory;
using XvifSim.Guest.Memory;
using XvifSim.Guest.Net;
using XvifSim.Public;
using XvifSim.Public.Memory;
using XvifSim.Host.Captures;

namespace XvifSim.Benchmarks;

/// <summary>
/// The capture path alone, without the data path around it (<c>bench --capture</c>):
/// a capture session taps the five interfaces a guest-to-guest frame
/// crosses (guest1's xennet0, dom0's xvif1i0, bridge0 and xvif2i0, guest2's
/// xennet0), one producer thread per domain as the vCPUs are, each sending
/// as fast as the session takes frames. It gives what the guest-to-guest
/// figures blend with the path's own cost: the time a tap holds its vCPU per
/// frame, and the writer thread's bytes per second (until the files are
/// closed) against a sequential write of as many bytes in the same folder,
/// measured right after.
/// </summary>
internal static class CaptureBenchmark
{
    /// <summary>The interfaces of one guest-to-guest frame, by the domain whose vCPU taps them.</summary>
    private static readonly (string Domain, string[] Interfaces)[] Domains =
    [
        ("guest1", ["xennet0"]),
        ("dom0", ["xvif1i0", "bridge0", "xvif2i0"]),
        ("guest2", ["xennet0"]),
    ];

    /// <summary>Tapped frames, bytes written per second, and ns of tap per frame on the producing thread, for <paramref name="frameLength"/>-byte frames; then the sequential baseline.</summary>
    public static (Measurement Taps, Measurement Written, Measurement Sequential) Run(int frameLength, TimeSpan duration)
    {
        string directory = Directory.CreateTempSubdirectory("xvifsim-capbench-").FullName;
        try
        {
            long start = Stopwatch.GetTimestamp();
            ulong Clock() => (ulong)Stopwatch.GetElapsedTime(start).Ticks * 100;
            long taps = 0;
            double tapSeconds = 0;
            double cpuBefore = Environment.CpuUsage.TotalTime.TotalSeconds;
            long written;
            double writtenSeconds;
            long allocated;
            double processCpu;
            using (var session = new CaptureSession(directory, Clock))
            {
                var sends = new List<(NetworkInterface[] Interfaces, PacketBuffer Frame)>();
                foreach ((string domain, string[] names) in Domains)
                {
                    PacketPool pool = NewPool();
                    NetworkInterface[] ifaces = [.. names.Select(n => new NetworkInterface(n, new MacAddress(0x0016_3E00_0001), new NullDriver(), pool) { IsUp = true, IsRunning = true })];
                    foreach (NetworkInterface iface in ifaces)
                    {
                        session.Attach(domain, iface, $"{iface.Name} of {domain}");
                    }

                    byte[] bytes = new byte[frameLength];
                    Random.Shared.NextBytes(bytes);
                    if (!pool.TryAllocate(frameLength, out PacketBuffer frame))
                    {
                        throw new InvalidOperationException("the capture bench's packet pool is empty");
                    }

                    frame.CopyFrom(0, bytes);
                    sends.Add((ifaces, frame));
                }

                // One frame each first, so that the files' buffers are allocated before the timed part, as in a run past its first frames.
                foreach ((NetworkInterface[] ifaces, PacketBuffer frame) in sends)
                {
                    foreach (NetworkInterface iface in ifaces)
                    {
                        frame.Hold();
                        iface.Send(frame);
                    }
                }

                // The writer takes them within its idle wake (10 ms): its first write allocates the buffers.
                Thread.Sleep(100);
                bool stop = false;
                long begin = Stopwatch.GetTimestamp();
                long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                Thread[] threads = [.. sends.Select(s => new Thread(() =>
                {
                    long count = 0;
                    double t0 = ThreadCpu.Seconds();
                    while (!Volatile.Read(ref stop))
                    {
                        for (int i = 0; i < 64; i++)
                        {
                            foreach (NetworkInterface iface in s.Interfaces)
                            {
                                s.Frame.Hold();
                                iface.Send(s.Frame);
                                count++;
                            }
                        }
                    }

                    double seconds = ThreadCpu.Seconds() - t0;
                    lock (sends)
                    {
                        taps += count;
                        tapSeconds += seconds;
                    }
                }))];
                foreach (Thread thread in threads)
                {
                    thread.Start();
                }

                Thread.Sleep(duration);
                Volatile.Write(ref stop, true);
                foreach (Thread thread in threads)
                {
                    thread.Join();
                }

                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                session.Dispose();
                writtenSeconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
                written = session.BytesWritten;
                processCpu = Environment.CpuUsage.TotalTime.TotalSeconds - cpuBefore;
                if (session.Failure is { } failure || session.Dropped != 0)
                {
                    throw new InvalidOperationException($"capture alone, {frameLength} B: {session.Dropped} dropped, {session.Failure?.Message}");
                }
            }

            string label = $"capture alone {frameLength} B, 5 taps, 3 threads";
            return (
                new Measurement($"{label}: taps/s (CPU ns per tap: tapping thread {tapSeconds / taps * 1e9:F0}, writer and rest {(processCpu - tapSeconds) / taps * 1e9:F0})", taps / writtenSeconds, (double)allocated / taps),
                new Measurement($"{label}: bytes written/s", written / writtenSeconds, 0),
                Baselines.SequentialWrite(directory, Math.Max(written, 64L << 20)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Prints both frame sizes' figures.</summary>
    public static void Write(TimeSpan duration, TextWriter output)
    {
        foreach (int length in new[] { BenchRun.SmallFrame, BenchRun.LargeFrame })
        {
            (Measurement taps, Measurement written, Measurement sequential) = Run(length, duration);
            output.WriteLine($"{taps.Name,-70} {taps.OpsPerSecond,15:N0}  B alloc/tap {taps.AllocatedBytesPerOp:F2}");
            output.WriteLine($"{written.Name,-70} {written.OpsPerSecond,15:N0}");
            output.WriteLine($"{"  " + sequential.Name,-70} {sequential.OpsPerSecond,15:N0}  written / sequential {written.OpsPerSecond / sequential.OpsPerSecond:P1}");
        }
    }

    /// <summary>One domain's pool for the frame its taps see: a buffer in guest pages, as on the data path, sent again and again (each send holds it once more; the driver frees it).</summary>
    private static PacketPool NewPool()
    {
        var memory = new DomainMemory(new DomId(1), new PhysMap(RamPages: 16, MaxGrantFrames: 1, MapSpacePages: 0), new FrameAllocator());
        return new PacketPool(memory, new PageAllocator(memory), maxPages: 16);
    }

    /// <summary>Takes the frame and frees it, as a wire would.</summary>
    private sealed class NullDriver : INetDriver
    {
        public bool Output(PacketBuffer packet, bool checksumBlank)
        {
            packet.Free();
            return true;
        }
    }
}
