using System.Diagnostics;

namespace XvifSim.Benchmarks;

/// <summary>One timed loop: how many operations per second, and bytes allocated per operation.</summary>
public sealed record Measurement(string Name, double OpsPerSecond, double AllocatedBytesPerOp)
{
    /// <summary>Runs <paramref name="op"/> in batches until <paramref name="duration"/> has passed, after a warm-up.</summary>
    internal static Measurement Take(string name, TimeSpan duration, Action op)
    {
        for (int i = 0; i < 1000; i++)
        {
            op();
        }

        const int Batch = 1000;
        long ops = 0;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (int i = 0; i < Batch; i++)
            {
                op();
            }

            ops += Batch;
        }

        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new Measurement(name, ops / clock.Elapsed.TotalSeconds, (double)allocated / ops);
    }
}
