namespace XvifSim.Benchmarks;

/// <summary>
/// The scale figure: how many guests, wall-clock seconds until all were
/// Connected on both ends, then until all their echoes to dom0 were answered,
/// the scheduler's own time for the bring-up, and the process's peak working
/// set once they had run (the whole run's high-water mark up to then).
/// </summary>
public sealed record FleetFigures(int Guests, double ConnectSeconds, double PingsSeconds, double ConnectSchedulerSeconds, long PeakWorkingSetBytes)
{
    /// <summary>Names the count, and says when it is not the 1,000.</summary>
    public string Label => Guests == FleetBenchmark.FullGuests
        ? $"{Guests:N0} guests"
        : $"{Guests:N0} guests (--quick; the full bench uses {FleetBenchmark.FullGuests:N0})";
}
