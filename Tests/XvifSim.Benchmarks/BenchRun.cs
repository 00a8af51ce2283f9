namespace XvifSim.Benchmarks;

/// <summary>
/// One bench run: every figure in turn, each in its own simulated host (or
/// none), so that one figure's threads and buffers do not weigh on the next.
/// </summary>
public static class BenchRun
{
    /// <summary>An Ethernet frame of 64 bytes: 14 + 20 + 8 of headers and 22 of UDP payload (FCS not counted).</summary>
    public const int SmallFrame = 64;

    /// <summary>A full-MTU Ethernet frame: a 1500-byte IPv4 packet (1472 bytes of UDP payload) and the 14-byte Ethernet header.</summary>
    public const int LargeFrame = 1514;

    /// <summary>Far more than 64 guests need even on a loaded machine; past it the run is broken, not slow.</summary>
    private static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(120);

    /// <summary>Before each window of a warmed-up stream: long enough for the window of frames in flight to fill the path.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    public static BenchResults Measure(BenchOptions options, TextWriter progress)
    {
        var peak = new MemoryPeak();
        progress.WriteLine("bench: hypervisor operations");
        IReadOnlyList<Measurement> core = CoreBenchmarks.Run(options.Loop);
        progress.WriteLine("bench: memory copy and Channels baselines");
        Measurement memcpySmall = Baselines.MemoryCopy(SmallFrame, options.Loop);
        Measurement memcpyLarge = Baselines.MemoryCopy(LargeFrame, options.Loop);
        Measurement channelsSmall = Baselines.Channel(SmallFrame, options.WarmUp, options.Span);
        Measurement channelsLarge = Baselines.Channel(LargeFrame, options.WarmUp, options.Span);
        peak.Sample();
        progress.WriteLine("bench: XenStore");
        (Measurement reads, Measurement writes) = XenStoreBenchmarks.Core(options.Loop);
        (Measurement hostReads, Measurement hostWrites) = XenStoreBenchmarks.HostClient(options.Loop);
        Measurement ring = XenStoreBenchmarks.Ring(options.WarmUp, options.Span);
        peak.Sample();
        progress.WriteLine("bench: guest to guest, capture off and on, trace on");
        FlowResult[] flows = Flows(options, peak, out Measurement sequential);
        progress.WriteLine($"bench: {ConnectBenchmark.Pairs} guest pairs to Connected");
        double connect = ConnectBenchmark.Seconds(ConnectLimit, peak);
        FleetFigures fleet = MeasureFleet(options, peak, progress);
        return new BenchResults
        {
            Small = flows[0],
            Large = flows[1],
            SmallCaptured = flows[2],
            LargeCaptured = flows[3],
            SmallTraced = flows[4],
            SequentialWrite = sequential,
            MemcpySmall = memcpySmall,
            MemcpyLarge = memcpyLarge,
            ChannelsSmall = channelsSmall,
            ChannelsLarge = channelsLarge,
            XsCoreReads = reads,
            XsCoreWrites = writes,
            XsHostReads = hostReads,
            XsHostWrites = hostWrites,
            XsRing = ring,
            ConnectSeconds = connect,
            Fleet = fleet,
            Core = core,
            PeakWorkingSetBytes = MemoryPeak.WorkingSetBytes,
            PeakGcHeapBytes = peak.GcHeapBytes,
        };
    }

    /// <summary>The scale figure alone or as the last of a run (<see cref="FleetBenchmark"/>).</summary>
    internal static FleetFigures MeasureFleet(BenchOptions options, MemoryPeak peak, TextWriter progress)
    {
        progress.WriteLine($"bench: {options.FleetGuests} guests on one bridge, each pinging dom0 (deterministic scheduler)");
        return FleetBenchmark.Run(options.FleetGuests, peak);
    }

    /// <summary>
    /// Two hosts side by side, one capturing every interface and one not, a
    /// stream of 64 and one of 1514-byte frames on each. Each stream warms up
    /// once, then they take turns window by window, so that load from
    /// elsewhere on the machine falls on all alike. In order: 64 B off,
    /// 1514 B off, 64 B on, 1514 B on; then 64 B on a third host that also
    /// writes the protocol trace records (the capture-on hosts write frames
    /// only, so trace on against capture on is the trace's own cost). Then,
    /// in the capture-on host's folder, the sequential-write baseline of as
    /// many bytes as its 1514-byte stream's writer wrote in the windows.
    /// </summary>
    private static FlowResult[] Flows(BenchOptions options, MemoryPeak peak, out Measurement sequential)
    {
        using GuestToGuestFlow off = GuestToGuestFlow.Start(capture: false);
        using GuestToGuestFlow on = GuestToGuestFlow.Start(capture: true);
        using GuestToGuestFlow traced = GuestToGuestFlow.Start(capture: true, trace: true);
        GuestToGuestStream[] streams = [off.Open(SmallFrame), off.Open(LargeFrame), on.Open(SmallFrame), on.Open(LargeFrame), traced.Open(SmallFrame)];
        foreach (GuestToGuestStream stream in streams)
        {
            stream.WarmUp(options.WarmUp);
        }

        for (int round = 0; round < options.Rounds; round++)
        {
            foreach (GuestToGuestStream stream in streams)
            {
                stream.Window(Settle, options.Window);
            }
        }

        peak.Sample();

        FlowResult[] results = [.. streams.Select(s => Checked(s.Finish()))];

        // At least 64 MiB, so a short quick run still times more than the page cache's first gulp; at most 4 GiB of disk.
        long bytes = Math.Clamp(results[3].CaptureBytes, 64L << 20, 4L << 30);
        sequential = Baselines.SequentialWrite(on.CaptureDirectory!, bytes);
        return results;
    }

    private static FlowResult Checked(FlowResult result) => result.Frames > 0
        ? result
        : throw new InvalidOperationException($"guest to guest, {result.FrameLength}-byte frames: no frame was delivered in the window");
}
