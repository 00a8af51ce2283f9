namespace XvifSim.Benchmarks;

/// <summary>
/// The scale figure: how many guests, wall-clock seconds until all were
/// Connected on both ends, then until all their echoes to dom0 were answered,
/// the scheduler's own time for the bring-up, and the process's peak working
/// set once they had run (the whole run's high-water mark up to then);
/// then what became of the echoes (Host's FleetPings): answered in the first
/// second, late behind the ARP flood in their xvif's RX queue, lost, and the
/// frames full xvif RX queues dropped.
/// </summary>
public sealed record FleetFigures(int Guests, double ConnectSeconds, double PingsSeconds, double ConnectSchedulerSeconds, long PeakWorkingSetBytes)
{
    /// <summary>Guests answered within the first second, before any echo was resent.</summary>
    public int AnsweredFirstSecond { get; init; }

    /// <summary>Guests unanswered after the first second whose xvif still held frames in its RX queue.</summary>
    public int BehindRxFlood { get; init; }

    /// <summary>Guests unanswered after the first second for another reason.</summary>
    public int OtherwiseLate { get; init; }

    /// <summary>Echo requests and replies that never arrived.</summary>
    public long EchoesLost { get; init; }

    /// <summary>Of the lost requests, those a guest's ARP hold lost (the resent echo replaced the held one, as BSD's la_hold does).</summary>
    public long HeldEchoesReplaced { get; init; }

    /// <summary>Frames full xvif RX queues dropped while the fleet pinged (if_oqdrops).</summary>
    public long RxQueueDrops { get; init; }

    /// <summary>ARP requests the guests repeated.</summary>
    public long ArpRetries { get; init; }

    /// <summary>Names the count, and says when it is not the 1,000.</summary>
    public string Label => Guests == FleetBenchmark.FullGuests
        ? $"{Guests:N0} guests"
        : $"{Guests:N0} guests (--quick; the full bench uses {FleetBenchmark.FullGuests:N0})";
}
