using System.Diagnostics;

namespace XvifSim.Benchmarks;

/// <summary>
/// One guest-to-guest stream of one frame size, run in windows: each window
/// resumes the sender, lets the path fill, counts the frames delivered and
/// what the process allocated, and pauses the sender again. Frames that land
/// between windows are counted in none. The path's drops are read around
/// each turn of this stream, so the two streams of a host are told apart.
/// </summary>
public sealed class GuestToGuestStream
{
    private readonly GuestToGuestFlow _flow;
    private readonly CreditedSender _sender;
    private PathDrops _drops = PathDrops.None;
    private readonly List<double> _rates = [];
    private readonly List<double> _captureRates = [];
    private long _captureBytes;
    private double _backPressureSeconds;
    private double _windowSeconds;
    private double _cpuSeconds;
    private long _frames;
    private long _stalls;
    private long _allocated;

    internal GuestToGuestStream(GuestToGuestFlow flow, CreditedSender sender, int frameLength)
    {
        _flow = flow;
        _sender = sender;
        FrameLength = frameLength;
    }

    public int FrameLength { get; }

    /// <summary>Runs the stream uncounted, so that JIT tiering, rings and buffers settle.</summary>
    public void WarmUp(TimeSpan span)
    {
        PathDrops before = _flow.Drops();
        _sender.Resume();
        _flow.Feed(_sender, span);
        _sender.Pause();
        _drops = _drops.Plus(_flow.Drops().Since(before));
    }

    /// <summary>Runs the stream for <paramref name="settle"/> uncounted, then for a counted <paramref name="window"/>, then pauses it.</summary>
    public void Window(TimeSpan settle, TimeSpan window)
    {
        PathDrops before = _flow.Drops();
        _sender.Resume();
        _flow.Feed(_sender, settle);
        long framesBefore = _sender.Delivered;
        long stallsBefore = _sender.Stalls;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long capturedBefore = _flow.CaptureBytesWritten;
        TimeSpan waitedBefore = _flow.CaptureBackPressure;
        TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
        long start = Stopwatch.GetTimestamp();
        _flow.Feed(_sender, window);
        long frames = _sender.Delivered - framesBefore;
        long captured = _flow.CaptureBytesWritten - capturedBefore;
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        _backPressureSeconds += (_flow.CaptureBackPressure - waitedBefore).TotalSeconds;
        _windowSeconds += seconds;
        _cpuSeconds += (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
        _allocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        _rates.Add(frames / seconds);
        _captureRates.Add(captured / seconds);
        _captureBytes += captured;
        _frames += frames;
        _stalls += _sender.Stalls - stallsBefore;
        _sender.Pause();
        _drops = _drops.Plus(_flow.Drops().Since(before));
    }

    /// <summary>
    /// Lets what is in flight land and gives the stream's figure: the median
    /// window's rate; over all windows, frames, stalls and allocations; over
    /// the whole stream, refusals, losses and drops on the path.
    /// </summary>
    public FlowResult Finish()
    {
        _sender.Pause();
        PathDrops before = _flow.Drops();
        _flow.Drain(_sender);
        PathDrops drops = _drops.Plus(_flow.Drops().Since(before));
        return new FlowResult(FrameLength, _flow.Capture, _flow.Trace, Median(_rates), _frames, _sender.Refused, _sender.Sent - _sender.Delivered, drops, _stalls, _allocated,
            Median(_captureRates), _captureBytes, _windowSeconds == 0 ? 0 : _backPressureSeconds / _windowSeconds,
            _frames == 0 ? double.NaN : _cpuSeconds / _frames);
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? 0
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
