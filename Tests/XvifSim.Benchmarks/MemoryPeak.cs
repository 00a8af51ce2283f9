using System.Diagnostics;

namespace XvifSim.Benchmarks;

/// <summary>
/// The most memory the run held: the process's peak working set (the
/// kernel's high-water mark) and the largest managed heap seen when sampled,
/// which the run does at the end of each figure while its domains still live.
/// </summary>
internal sealed class MemoryPeak
{
    private long _heap;

    public long GcHeapBytes => _heap;

    public static long WorkingSetBytes
    {
        get
        {
            using Process self = Process.GetCurrentProcess();
            return self.PeakWorkingSet64;
        }
    }

    public void Sample() => _heap = Math.Max(_heap, Math.Max(GC.GetTotalMemory(forceFullCollection: false), GC.GetGCMemoryInfo().HeapSizeBytes));
}
