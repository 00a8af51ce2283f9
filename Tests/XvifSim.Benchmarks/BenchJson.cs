using System.Text.Json;

namespace XvifSim.Benchmarks;

/// <summary>
/// bench-results.json: one number per key, the keys the issue names first,
/// then the other figures of the table under names of the same form.
/// </summary>
public static class BenchJson
{
    /// <summary>The keys the issue asks for; every run writes each of them.</summary>
    public static readonly IReadOnlyList<string> RequiredKeys =
    [
        "g2g_64_fps", "g2g_1500_bytes_per_s", "memcpy_1500_bytes_per_s", "channels_64_msgs_per_s", "g2g_64_capture_on_fps",
        "xs_core_reads_per_s", "xs_ring_ops_per_s", "connect_64_pairs_s", "allocs_per_frame",
    ];

    /// <summary>Every figure by key. "1500" names the full-MTU frame of <see cref="BenchRun.LargeFrame"/> bytes; allocs are bytes allocated.</summary>
    public static IReadOnlyList<(string Key, double Value)> Figures(BenchResults r) =>
    [
        ("g2g_64_fps", r.Small.FramesPerSecond),
        ("g2g_1500_bytes_per_s", r.Large.BytesPerSecond),
        ("memcpy_1500_bytes_per_s", r.MemcpyLarge.OpsPerSecond * BenchRun.LargeFrame),
        ("channels_64_msgs_per_s", r.ChannelsSmall.OpsPerSecond),
        ("g2g_64_capture_on_fps", r.SmallCaptured.FramesPerSecond),
        ("xs_core_reads_per_s", r.XsCoreReads.OpsPerSecond),
        ("xs_ring_ops_per_s", r.XsRing.OpsPerSecond),
        ("connect_64_pairs_s", r.ConnectSeconds),
        ("allocs_per_frame", r.Small.AllocatedBytesPerFrame),
        ("g2g_64_bytes_per_s", r.Small.BytesPerSecond),
        ("g2g_1500_fps", r.Large.FramesPerSecond),
        ("g2g_1500_capture_on_fps", r.LargeCaptured.FramesPerSecond),
        ("g2g_1500_capture_on_bytes_per_s", r.LargeCaptured.BytesPerSecond),
        ("g2g_frame_bytes_1500", BenchRun.LargeFrame),
        ("allocs_per_frame_1500", r.Large.AllocatedBytesPerFrame),
        ("allocs_per_frame_capture_on", r.SmallCaptured.AllocatedBytesPerFrame),
        ("g2g_64_trace_on_fps", r.SmallTraced.FramesPerSecond),
        ("allocs_per_frame_trace_on", r.SmallTraced.AllocatedBytesPerFrame),
        ("memcpy_64_bytes_per_s", r.MemcpySmall.OpsPerSecond * BenchRun.SmallFrame),
        ("channels_64_bytes_per_s", r.ChannelsSmall.OpsPerSecond * BenchRun.SmallFrame),
        ("channels_1500_msgs_per_s", r.ChannelsLarge.OpsPerSecond),
        ("channels_1500_bytes_per_s", r.ChannelsLarge.OpsPerSecond * BenchRun.LargeFrame),
        ("xs_core_writes_per_s", r.XsCoreWrites.OpsPerSecond),
        ("capture_1500_written_bytes_per_s", r.LargeCaptured.CaptureBytesPerSecond),
        ("capture_64_written_bytes_per_s", r.SmallCaptured.CaptureBytesPerSecond),
        ("sequential_write_bytes_per_s", r.SequentialWrite.OpsPerSecond),
        ("capture_1500_written_vs_sequential", r.LargeCaptured.CaptureBytesPerSecond / r.SequentialWrite.OpsPerSecond),
        ("allocs_per_frame_capture_on_1500", r.LargeCaptured.AllocatedBytesPerFrame),
        ("capture_64_bytes_per_frame", r.SmallCaptured.CaptureBytesPerFrame),
        ("cpu_us_per_frame_64", r.Small.CpuSecondsPerFrame * 1e6),
        ("cpu_us_per_frame_64_capture_on", r.SmallCaptured.CpuSecondsPerFrame * 1e6),
        ("capture_64_back_pressure_s_per_s", r.SmallCaptured.BackPressure),
        ("capture_1500_back_pressure_s_per_s", r.LargeCaptured.BackPressure),
        ("peak_working_set_bytes", r.PeakWorkingSetBytes),
        ("peak_gc_heap_bytes", r.PeakGcHeapBytes),
        ("xs_core_read_alloc_bytes", r.XsCoreReads.AllocatedBytesPerOp),
        ("xs_core_write_alloc_bytes", r.XsCoreWrites.AllocatedBytesPerOp),
        ("xs_host_read_alloc_bytes", r.XsHostReads.AllocatedBytesPerOp),
        ("xs_host_write_alloc_bytes", r.XsHostWrites.AllocatedBytesPerOp),
        .. FleetFigures(r.Fleet),
    ];

    /// <summary>The scale figure's keys, alone in the file of <c>bench --fleet</c>.</summary>
    public static IReadOnlyList<(string Key, double Value)> FleetFigures(FleetFigures f) =>
    [
        ("fleet_guests", f.Guests),
        ("fleet_connect_s", f.ConnectSeconds),
        ("fleet_connect_scheduler_s", f.ConnectSchedulerSeconds),
        ("fleet_pings_answered_s", f.PingsSeconds),
        ("fleet_peak_working_set_bytes", f.PeakWorkingSetBytes),
        ("fleet_answered_first_second", f.AnsweredFirstSecond),
        ("fleet_behind_rx_flood", f.BehindRxFlood),
        ("fleet_echoes_lost", f.EchoesLost),
        ("fleet_rx_queue_drops", f.RxQueueDrops),
    ];

    public static void Write(BenchResults results, string path) => Write(Figures(results), path);

    public static void Write(IReadOnlyList<(string Key, double Value)> figures, string path)
    {
        using FileStream file = File.Create(path);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        foreach ((string key, double value) in figures)
        {
            json.WriteNumber(key, double.IsFinite(value) ? Math.Round(value, 3) : throw new InvalidOperationException($"{key} is not a number ({value})"));
        }

        json.WriteEndObject();
    }
}
