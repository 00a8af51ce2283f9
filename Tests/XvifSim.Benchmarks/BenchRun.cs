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

    public static BenchResults Measure(BenchOptions options, TextWriter progress)
    {
        var peak = new MemoryPeak();
        progress.WriteLine("bench: hypervisor operations");
        IReadOnlyList<Measurement> core = CoreBenchmarks.Run(options.Loop);
        progress.WriteLine("bench: memory copy and Channels baselines");
        Measurement memcpySmall = Baselines.MemoryCopy(SmallFrame, options.Loop);
        Measurement memcpyLarge = Baselines.MemoryCopy(LargeFrame, options.Loop);
        Measurement channelsSmall = Baselines.Channel(SmallFrame, options.WarmUp, options.Window);
        Measurement channelsLarge = Baselines.Channel(LargeFrame, options.WarmUp, options.Window);
        peak.Sample();
        progress.WriteLine("bench: XenStore");
        (Measurement reads, Measurement writes) = XenStoreBenchmarks.Core(options.Loop);
        Measurement ring = XenStoreBenchmarks.Ring(options.WarmUp, options.Window);
        peak.Sample();
        progress.WriteLine("bench: guest to guest, capture off");
        (FlowResult small, FlowResult large) = Flows(capture: false, options, peak);
        progress.WriteLine("bench: guest to guest, capture on");
        (FlowResult smallCaptured, FlowResult largeCaptured) = Flows(capture: true, options, peak);
        progress.WriteLine($"bench: {ConnectBenchmark.Pairs} guest pairs to Connected");
        double connect = ConnectBenchmark.Seconds(ConnectLimit, peak);
        return new BenchResults
        {
            Small = small,
            Large = large,
            SmallCaptured = smallCaptured,
            LargeCaptured = largeCaptured,
            MemcpySmall = memcpySmall,
            MemcpyLarge = memcpyLarge,
            ChannelsSmall = channelsSmall,
            ChannelsLarge = channelsLarge,
            XsCoreReads = reads,
            XsCoreWrites = writes,
            XsRing = ring,
            ConnectSeconds = connect,
            Core = core,
            PeakWorkingSetBytes = MemoryPeak.WorkingSetBytes,
            PeakGcHeapBytes = peak.GcHeapBytes,
        };
    }

    private static (FlowResult Small, FlowResult Large) Flows(bool capture, BenchOptions options, MemoryPeak peak)
    {
        using GuestToGuestFlow flow = GuestToGuestFlow.Start(capture);
        FlowResult small = Checked(flow.Measure(SmallFrame, options.WarmUp, options.Window));
        FlowResult large = Checked(flow.Measure(LargeFrame, options.WarmUp, options.Window));
        peak.Sample();
        return (small, large);
    }

    private static FlowResult Checked(FlowResult result) => result.Frames > 0
        ? result
        : throw new InvalidOperationException($"guest to guest, {result.FrameLength}-byte frames: no frame was delivered in the window");
}
