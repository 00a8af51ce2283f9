namespace XvifSim.Host.Scale;

/// <summary>
/// What <see cref="GuestFleet.Run"/> saw: how many guests it started, how many
/// reached Connected on both ends, how many had their echo to dom0 answered,
/// the wall-clock time to bring them all up (and the scheduler's own time for
/// it), the wall-clock time until every echo was answered, what became of
/// the echoes (<see cref="Echoes"/>), and what was still held after every
/// guest was destroyed.
/// </summary>
internal sealed record FleetResult(
    int Guests,
    int Connected,
    int Answered,
    TimeSpan BringUp,
    ulong BringUpSchedulerNs,
    TimeSpan Pings,
    int BridgeAddresses,
    long BridgeLearnFailures,
    TimeSpan Destroy,
    IReadOnlyList<string> Held)
{
    /// <summary>Every guest connected, every echo answered, nothing left held.</summary>
    public bool Passed => Connected == Guests && Answered == Guests && Held.Count == 0;

    /// <summary>What became of the echoes: answered in the first second, late and why, lost, dropped.</summary>
    public FleetPings Echoes { get; init; } = new();

    public override string ToString() =>
        $"{Connected} of {Guests} connected in {BringUp.TotalSeconds:F2} s ({BringUpSchedulerNs / 1e9:F3} s scheduler time), " +
        $"{Answered} echoes answered in {Pings.TotalSeconds:F2} s, bridge0 learnt {BridgeAddresses} ({BridgeLearnFailures} failures), " +
        $"destroyed in {Destroy.TotalSeconds:F2} s, {Held.Count} held; echoes: {Echoes}";
}
