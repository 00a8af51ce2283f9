namespace XvifSim.Benchmarks;

/// <summary>
/// One guest-to-guest stream over its timed windows: the median window's
/// frames delivered to guest2's UDP per second; over all windows, frames
/// delivered, how often the stream stalled (nothing delivered for 500 ms)
/// and what every thread of the process allocated; over the whole stream,
/// what guest1's stack refused, what never arrived and where the path
/// dropped frames. With capture on, the median window's bytes the capture
/// writer thread wrote to the files per second, those bytes over all
/// windows, and the back-pressure: seconds the vCPUs waited for the writer
/// to free room per second of the windows (added up over the vCPUs, so up to
/// their number). Always, the process's CPU time (user and system, every
/// thread: the vCPUs, the capture writer, the kernel's work for them) per
/// frame delivered in the windows.
/// </summary>
public sealed record FlowResult(int FrameLength, bool Capture, bool Trace, double FramesPerSecond, long Frames, long Refused, long Lost, PathDrops Drops, long Stalls, long AllocatedBytes, double CaptureBytesPerSecond = 0, long CaptureBytes = 0, double BackPressure = 0, double CpuSecondsPerFrame = double.NaN)
{
    public double BytesPerSecond => FramesPerSecond * FrameLength;

    /// <summary>How the table names the stream: its frame size, capture and trace.</summary>
    public string Label => $"{FrameLength} B frames, capture {(Capture ? "on" : "off")}{(Trace ? ", trace on" : "")}";

    /// <summary>Bytes allocated per delivered frame, by all threads in the windows (GC.GetTotalAllocatedBytes).</summary>
    public double AllocatedBytesPerFrame => Frames == 0 ? double.NaN : (double)AllocatedBytes / Frames;

    /// <summary>Capture bytes written per frame delivered in the windows: each tap's pcap record and all.pcapng block.</summary>
    public double CaptureBytesPerFrame => Frames == 0 ? double.NaN : (double)CaptureBytes / Frames;

}
