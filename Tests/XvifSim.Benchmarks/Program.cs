using XvifSim.Benchmarks;

// Plain timed loops over the hypervisor's hot operations, each reported
// beside a baseline measured in the same run. Figures vary with the machine
// and its load; the ratios and the allocation counts are what to compare.
bool quick = args.Contains("--quick");
foreach (bool capture in new[] { false, true })
{
    using GuestToGuestFlow flow = GuestToGuestFlow.Start(capture);
    foreach (int length in new[] { 64, 1514 })
    {
        FlowResult r = flow.Measure(length, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(quick ? 1 : 3));
        Console.WriteLine(r + $" fps={r.FramesPerSecond:N0} Bps={r.BytesPerSecond:N0} alloc/frame={r.AllocatedBytesPerFrame:F2}");
    }
}

return CoreBenchmarks.Run(quick ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(2), Console.Out);
