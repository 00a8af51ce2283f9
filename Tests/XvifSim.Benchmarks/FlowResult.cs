namespace XvifSim.Benchmarks;

/// <summary>
/// One steady guest-to-guest UDP stream: datagrams delivered to guest2's UDP
/// in the timed window, what guest1's stack refused and what never arrived
/// over the whole stream and where the path dropped frames, how often it stalled in the window (nothing
/// delivered for 500 ms), and what every thread of the process allocated in
/// the window.
/// </summary>
public sealed record FlowResult(int FrameLength, bool Capture, long Frames, double Seconds, long Refused, long Lost, PathDrops Drops, long Stalls, long AllocatedBytes)
{
    public double FramesPerSecond => Frames / Seconds;

    public double BytesPerSecond => FramesPerSecond * FrameLength;

    /// <summary>Bytes allocated per delivered frame, by all threads in the window (GC.GetTotalAllocatedBytes).</summary>
    public double AllocatedBytesPerFrame => Frames == 0 ? double.NaN : (double)AllocatedBytes / Frames;
}
