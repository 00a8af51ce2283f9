using System.Runtime.InteropServices;

namespace XvifSim.Benchmarks;

/// <summary>
/// CPU time rather than wall time: on a shared 2-core machine a thread waits
/// for a core as long as it runs, and only CPU time says what a step costs.
/// clock_gettime(2) with CLOCK_THREAD_CPUTIME_ID for the calling thread.
/// </summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>CPU seconds the calling thread has used so far.</summary>
    public static double Seconds()
    {
        return ClockGetTime(ClockThreadCpuTimeId, out Timespec t) == 0 ? t.Seconds + (t.Nanoseconds / 1e9) : double.NaN;
    }

    // DllImport, not LibraryImport: the generated stub needs unsafe code, which the projects do not allow.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
