namespace XvifSim.Tests;

/// <summary>
/// Measures managed allocation on this thread. The runtime may allocate on
/// the thread now and then for its own reasons (tiered JIT promotion of a
/// hot method, say), so a path is measured a few times and the least is
/// taken: a path that allocates per frame allocates in every attempt.
/// </summary>
internal static class Allocation
{
    public static long Least(Action run, int attempts = 3)
    {
        long least = long.MaxValue;
        for (int i = 0; i < attempts && least != 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
