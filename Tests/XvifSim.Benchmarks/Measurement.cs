using System.Diagnostics;

namespace XvifSim.Benchmarks;

/// <summary>One timed loop: how many operations per second, and bytes allocated per operation.</summary>
public sealed record Measurement(string Name, double OpsPerSecond, double AllocatedBytesPerOp)
{
    /// <summary>
    /// The loop's time is cut into this many slices and the fastest slice
    /// gives the rate: on a machine shared with other work, a slice in which
    /// another process held the core measures that process, not the loop, and
    /// the fastest is the nearest to what the machine can do.
    /// </summary>
    public const int Slices = 10;

    /// <summary>Runs <paramref name="op"/> in batches until <paramref name="duration"/> has passed, after a warm-up.</summary>
    internal static Measurement Take(string name, TimeSpan duration, Action op)
    {
        for (int i = 0; i < 1000; i++)
        {
            op();
        }

        const int Batch = 1000;
        long ops = 0;
        double best = 0;
        TimeSpan slice = duration / Slices;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < Slices; s++)
        {
            long sliceOps = 0;
            long start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start) < slice)
            {
                for (int i = 0; i < Batch; i++)
                {
                    op();
                }

                sliceOps += Batch;
            }

            best = Math.Max(best, sliceOps / Stopwatch.GetElapsedTime(start).TotalSeconds);
            ops += sliceOps;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new Measurement(name, best, (double)allocated / ops);
    }
}
