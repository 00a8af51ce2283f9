namespace XvifSim.Tests.Guest.Net;

/// <summary>A vCPU clock the test moves by hand.</summary>
internal sealed class TestClock
{
    public const ulong Second = 1_000_000_000;

    public ulong Now { get; set; } = 1_000 * Second;

    public ulong Read() => Now;

    public void Advance(ulong ns) => Now += ns;
}
