using XvifSim.Benchmarks;

// The bench table: guest to guest through dom0's bridge, XenStore, connecting
// 64 guest pairs, 1,000 guests on one bridge (alone with --fleet) and the hypervisor's hot operations, each beside baselines
// measured in the same run (memory copies, System.Threading.Channels). Plain
// timed loops and windows, not BenchmarkDotNet: the figures are whole
// scenarios on threads of their own, and --quick must finish in a minute.
// A missed target is printed, not an error; exit 1 only when a measurement
// failed, 2 for bad arguments.
if (BenchOptions.Parse(args, out string? error) is not { } options)
{
    Console.Error.WriteLine($"bench: {error}");
    return 2;
}

try
{
    if (options.CaptureOnly)
    {
        CaptureBenchmark.Write(options.Span, Console.Out);
        return 0;
    }

    if (options.FleetOnly)
    {
        FleetFigures fleet = BenchRun.MeasureFleet(options, new MemoryPeak(), Console.Error);
        BenchTable.WriteFleet(fleet, options, Console.Out);
        BenchJson.Write(BenchJson.FleetFigures(fleet), options.OutPath);
        Console.WriteLine($"results: {options.OutPath}");
        return 0;
    }

    BenchResults results = BenchRun.Measure(options, Console.Error);
    BenchTable.Write(results, options, Console.Out);
    BenchJson.Write(results, options.OutPath);
    Console.WriteLine($"results: {options.OutPath}");
    return 0;
}
catch (InvalidOperationException failure)
{
    Console.Error.WriteLine($"bench: {failure.Message}");
    return 1;
}
