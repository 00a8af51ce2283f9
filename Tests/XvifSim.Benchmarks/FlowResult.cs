namespace XvifSim.Benchmarks;

/// <summary>
/// One guest-to-guest stream over its timed windows: the median window's
/// frames delivered to guest2's UDP per second; over all windows, frames
/// delivered, how often the stream stalled (nothing delivered for 500 ms)
/// and what every thread of the process allocated; over each whole stream,
/// what guest1's stack refused, what never arrived and where the path
/// dropped frames.
/// </summary>
public sealed record FlowResult(int FrameLength, bool Capture, double FramesPerSecond, long Frames, long Refused, long Lost, PathDrops Drops, long Stalls, long AllocatedBytes)
{
    public double BytesPerSecond => FramesPerSecond * FrameLength;

    /// <summary>Bytes allocated per delivered frame, by all threads in the windows (GC.GetTotalAllocatedBytes).</summary>
    public double AllocatedBytesPerFrame => Frames == 0 ? double.NaN : (double)AllocatedBytes / Frames;

    /// <summary>The windows of one stream as one figure: the median rate, the rest summed.</summary>
    public static FlowResult Combine(IReadOnlyList<FlowResult> windows)
    {
        double[] rates = [.. windows.Select(w => w.FramesPerSecond).Order()];
        double median = rates.Length % 2 == 1 ? rates[rates.Length / 2] : (rates[(rates.Length / 2) - 1] + rates[rates.Length / 2]) / 2;
        PathDrops drops = windows.Skip(1).Aggregate(windows[0].Drops, (sum, w) => sum.Plus(w.Drops));
        return new FlowResult(windows[0].FrameLength, windows[0].Capture, median, windows.Sum(w => w.Frames), windows.Sum(w => w.Refused),
            windows.Sum(w => w.Lost), drops, windows.Sum(w => w.Stalls), windows.Sum(w => w.AllocatedBytes));
    }
}
