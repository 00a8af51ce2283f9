using System.Runtime.InteropServices;

namespace XvifSim.Benchmarks;

/// <summary>What the figures were measured on: cores, CPU model (from /proc/cpuinfo) and runtime.</summary>
internal static class MachineInfo
{
    public static string Describe() =>
        $"{Environment.ProcessorCount} cores, {CpuModel()}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}";

    private static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        string? line = File.Exists(CpuInfo) ? File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line is null ? "unknown CPU" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
