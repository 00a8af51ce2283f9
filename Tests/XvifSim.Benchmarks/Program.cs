using XvifSim.Benchmarks;

// Plain timed loops over the hypervisor's hot operations, each reported
// beside a baseline measured in the same run. Figures vary with the machine
// and its load; the ratios and the allocation counts are what to compare.
bool quick = args.Contains("--quick");
return CoreBenchmarks.Run(quick ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(2), Console.Out);
