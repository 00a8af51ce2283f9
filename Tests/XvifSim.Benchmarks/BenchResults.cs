namespace XvifSim.Benchmarks;

/// <summary>Every figure of one bench run.</summary>
public sealed record BenchResults
{
    public required FlowResult Small { get; init; }

    public required FlowResult Large { get; init; }

    public required FlowResult SmallCaptured { get; init; }

    public required FlowResult LargeCaptured { get; init; }

    /// <summary>64-byte frames with capture and the protocol trace records on.</summary>
    public required FlowResult SmallTraced { get; init; }

    public required Measurement MemcpySmall { get; init; }

    public required Measurement MemcpyLarge { get; init; }

    public required Measurement ChannelsSmall { get; init; }

    public required Measurement ChannelsLarge { get; init; }

    /// <summary>The same bytes the 1514-byte capture-on stream's writer wrote, written sequentially to a file in its capture folder (ops/s is bytes/s).</summary>
    public required Measurement SequentialWrite { get; init; }

    /// <summary>READ through the core's entry point, as the servers call it (wire payload in, reply copied out).</summary>
    public required Measurement XsCoreReads { get; init; }

    /// <summary>WRITE of an existing node through the core's entry point, an event included.</summary>
    public required Measurement XsCoreWrites { get; init; }

    /// <summary>READ through <c>XsHostClient</c>, the toolstack's string API over the core.</summary>
    public required Measurement XsHostReads { get; init; }

    public required Measurement XsHostWrites { get; init; }

    public required Measurement XsRing { get; init; }

    public required double ConnectSeconds { get; init; }

    /// <summary>The scale figure: many guests on one bridge, each pinging dom0.</summary>
    public required FleetFigures Fleet { get; init; }

    public required IReadOnlyList<Measurement> Core { get; init; }

    public required long PeakWorkingSetBytes { get; init; }

    public required long PeakGcHeapBytes { get; init; }
}
