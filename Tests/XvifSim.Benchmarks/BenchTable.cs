using System.Globalization;

namespace XvifSim.Benchmarks;

/// <summary>Prints one run's figures as a table, the baselines beside them, and the ratios against the issue's targets.</summary>
public static class BenchTable
{
    public static void Write(BenchResults r, BenchOptions options, TextWriter output)
    {
        output.WriteLine($"XvifSim bench ({options.Mode}: loops {Seconds(options.Loop)}, warm-up {Seconds(options.WarmUp)}, guest-to-guest windows {options.Rounds} x {Seconds(options.Window)}, median)");
        output.WriteLine($"machine: {MachineInfo.Describe()}");
        output.WriteLine();
        output.WriteLine($"{"guest to guest via bridge0, UDP, threaded",-46} {"frames/s",12} {"bytes/s",15} {"B alloc/frame",14} {"refused",8} {"lost",6} {"stalls",7}");
        foreach (FlowResult f in new[] { r.Small, r.Large, r.SmallCaptured, r.LargeCaptured, r.SmallTraced })
        {
            string name = $"  {f.Label}";
            output.WriteLine($"{name,-46} {f.FramesPerSecond,12:N0} {f.BytesPerSecond,15:N0} {f.AllocatedBytesPerFrame,14:F2} {f.Refused,8} {f.Lost,6} {f.Stalls,7}");
        }

        foreach (FlowResult f in new[] { r.SmallCaptured, r.LargeCaptured, r.SmallTraced })
        {
            output.WriteLine($"  capture files written, {f.Label}: {f.CaptureBytesPerSecond:N0} bytes/s, {f.CaptureBytesPerFrame:N0} B per frame; vCPUs held back by the writer {f.BackPressure:F2} s per s");
        }

        // What capturing costs in CPU, wherever it runs (the taps on the vCPUs, the writer thread, the kernel's copies into the page cache).
        foreach ((FlowResult off, FlowResult on) in new[] { (r.Small, r.SmallCaptured), (r.Large, r.LargeCaptured) })
        {
            output.WriteLine($"  CPU per {off.FrameLength} B frame, process-wide: capture off {off.CpuSecondsPerFrame * 1e6:F2} µs, on {on.CpuSecondsPerFrame * 1e6:F2} µs (capture adds {(on.CpuSecondsPerFrame - off.CpuSecondsPerFrame) * 1e6:F2} µs)");
        }

        foreach (FlowResult f in new[] { r.Small, r.Large, r.SmallCaptured, r.LargeCaptured, r.SmallTraced }.Where(f => f.Lost != 0 || f.Drops.Total != 0))
        {
            output.WriteLine($"  drops, {f.Label}: {f.Drops}");
        }

        output.WriteLine();
        output.WriteLine($"{"baselines, the same bytes",-46} {"msgs/s",12} {"bytes/s",15} {"B alloc/msg",14}");
        foreach ((Measurement m, int length) in new[] { (r.MemcpySmall, BenchRun.SmallFrame), (r.MemcpyLarge, BenchRun.LargeFrame), (r.ChannelsSmall, BenchRun.SmallFrame), (r.ChannelsLarge, BenchRun.LargeFrame) })
        {
            output.WriteLine($"{"  " + m.Name,-46} {m.OpsPerSecond,12:N0} {m.OpsPerSecond * length,15:N0} {m.AllocatedBytesPerOp,14:F2}");
        }

        output.WriteLine($"{"  " + r.SequentialWrite.Name,-46} {"",12} {r.SequentialWrite.OpsPerSecond,15:N0}");

        output.WriteLine();
        output.WriteLine($"{"XenStore",-46} {"ops/s",12} {"",15} {"B alloc/op",14}");
        foreach (Measurement m in new[] { r.XsCoreReads, r.XsCoreWrites, r.XsHostReads, r.XsHostWrites, r.XsRing })
        {
            output.WriteLine($"{"  " + m.Name,-46} {m.OpsPerSecond,12:N0} {"",15} {m.AllocatedBytesPerOp,14:F2}");
        }

        output.WriteLine();
        double baseline = r.Core[0].OpsPerSecond;
        output.WriteLine($"{"hypervisor operations",-46} {"ops/s",12} {"vs memcpy",15} {"B alloc/op",14}");
        foreach (Measurement m in r.Core)
        {
            output.WriteLine($"{"  " + m.Name,-46} {m.OpsPerSecond,12:N0} {m.OpsPerSecond / baseline,15:P1} {m.AllocatedBytesPerOp,14:F2}");
        }

        output.WriteLine();
        output.WriteLine($"{ConnectBenchmark.Pairs} guest pairs to Connected on both ends: {r.ConnectSeconds:F2} s");
        WriteFleet(r.Fleet, output);
        output.WriteLine($"peak memory: working set {r.PeakWorkingSetBytes / 1048576.0:F0} MiB, managed heap {r.PeakGcHeapBytes / 1048576.0:F0} MiB");
        output.WriteLine();
        WriteTargets(Targets(r), output);

        output.WriteLine($"{"trace on / capture on, 64 B frames/s",-52} {Percent(r.SmallTraced.FramesPerSecond / r.SmallCaptured.FramesPerSecond),14} {"none",14}");
    }

    /// <summary>The table of <c>bench --fleet</c>: the scale figure and its targets alone.</summary>
    public static void WriteFleet(FleetFigures fleet, BenchOptions options, TextWriter output)
    {
        output.WriteLine($"XvifSim bench ({options.Mode}: the scale figure alone)");
        output.WriteLine($"machine: {MachineInfo.Describe()}");
        output.WriteLine();
        WriteFleet(fleet, output);
        output.WriteLine();
        WriteTargets(FleetTargets(fleet), output);
    }

    /// <summary>The scale targets: all guests Connected within 5 s, the process's peak working set under 2 GiB.</summary>
    public static IReadOnlyList<Target> FleetTargets(FleetFigures f) =>
    [
        new($"{f.Guests:N0} guests to Connected on both ends, s", f.ConnectSeconds, 5, Floor: false, "F2"),
        new($"peak working set with {f.Guests:N0} guests, MiB", f.PeakWorkingSetBytes / 1048576.0, 2048, Floor: false, "N0"),
    ];

    /// <summary>The issue's targets for this 2-core machine.</summary>
    public static IReadOnlyList<Target> Targets(BenchResults r) =>
    [
        .. FleetTargets(r.Fleet),
        new("XenStore core B allocated per READ", r.XsCoreReads.AllocatedBytesPerOp, 64, Floor: false, "F2"),
        new("XenStore core B allocated per WRITE", r.XsCoreWrites.AllocatedBytesPerOp, 64, Floor: false, "F2"),
        new("g2g 64 B frames/s / Channels 64 B msgs/s", r.Small.FramesPerSecond / r.ChannelsSmall.OpsPerSecond, 3.0, Floor: true, "P1"),
        new("g2g 1514 B bytes/s / Channels 1514 B bytes/s", r.Large.FramesPerSecond / r.ChannelsLarge.OpsPerSecond, 2.0, Floor: true, "P1"),
        new("capture on / off, 64 B frames/s", r.SmallCaptured.FramesPerSecond / r.Small.FramesPerSecond, 0.60, Floor: true, "P1"),
        new("capture written / sequential write, 1514 B bytes/s", r.LargeCaptured.CaptureBytesPerSecond / r.SequentialWrite.OpsPerSecond, 0.70, Floor: true, "P1"),
        new("B allocated per frame, capture off (64 B)", r.Small.AllocatedBytesPerFrame, 0, Floor: false, "F2"),
        new("B allocated per frame, capture on (64 B)", r.SmallCaptured.AllocatedBytesPerFrame, 0, Floor: false, "F2"),
        new("B allocated per frame, trace on (64 B)", r.SmallTraced.AllocatedBytesPerFrame, 0, Floor: false, "F2"),
    ];

    private static void WriteFleet(FleetFigures f, TextWriter output)
    {
        output.WriteLine($"{f.Label} on one bridge, deterministic scheduler, each pinging dom0 once:");
        output.WriteLine($"  to Connected on both ends: {f.ConnectSeconds:F2} s ({f.ConnectSchedulerSeconds:F3} s of scheduler time); every echo answered {f.PingsSeconds:F2} s later");
        output.WriteLine($"  peak working set after it: {f.PeakWorkingSetBytes / 1048576.0:F0} MiB");
        output.WriteLine($"  first echoes: {f.AnsweredFirstSecond:N0} answered in the first second, {f.BehindRxFlood:N0} behind the ARP flood in their xvif's RX queue, " +
            $"{f.OtherwiseLate:N0} otherwise late; {f.EchoesLost:N0} echoes lost ({f.HeldEchoesReplaced:N0} replaced in an ARP hold by the resent one), {f.RxQueueDrops:N0} frames dropped by full xvif RX queues, {f.ArpRetries:N0} ARP retries");
    }

    private static void WriteTargets(IReadOnlyList<Target> targets, TextWriter output)
    {
        output.WriteLine($"{"ratio or figure",-52} {"measured",14} {"target",14}  verdict");
        foreach (Target t in targets)
        {
            output.WriteLine($"{t.Figure,-52} {t.Show(t.Measured),14} {(t.Floor ? ">= " : "<= ") + t.Show(t.Goal),14}  {t.Verdict}");
        }
    }

    private static string Percent(double ratio) => ratio.ToString("P1", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
