using System.Diagnostics;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// Conversions both schedulers share. Xen system time is unsigned nanoseconds,
/// so every sum saturates instead of wrapping: a caller passing
/// <see cref="TimeSpan.MaxValue"/> as a limit means "no limit", not "the past".
/// </summary>
internal static class SchedulerTime
{
    private const ulong NsPerSecond = 1_000_000_000;
    private const ulong NsPerTick = TimeSpan.NanosecondsPerTick;

    /// <summary>A non-negative span in nanoseconds, saturating at <see cref="ulong.MaxValue"/>.</summary>
    public static ulong ToNs(TimeSpan span, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(span, TimeSpan.Zero, paramName);
        ulong ticks = (ulong)span.Ticks;
        return ticks > ulong.MaxValue / NsPerTick
            ? ulong.MaxValue
            : ticks * NsPerTick;
    }

    public static ulong AddSaturating(ulong a, ulong b) => a > ulong.MaxValue - b ? ulong.MaxValue : a + b;

    /// <summary>
    /// Nanoseconds in a <see cref="Stopwatch"/> timestamp difference, split into
    /// whole seconds and a remainder so that neither product overflows (the
    /// frequency is 1e9 on Linux but need not be).
    /// </summary>
    public static ulong TimestampToNs(long elapsed)
    {
        long frequency = Stopwatch.Frequency;
        long seconds = elapsed / frequency;
        long remainder = elapsed % frequency;
        return ((ulong)seconds * NsPerSecond) + ((ulong)remainder * NsPerSecond / (ulong)frequency);
    }
}
