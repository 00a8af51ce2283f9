namespace XvifSim.Benchmarks;

/// <summary>
/// One figure against the target: PASS when it reaches it, BELOW
/// (below target: short of a minimum, or over a ceiling) when not, as the
/// project reports every speed and memory target. A missed target is reported, never an
/// error: the run still succeeds. A ceiling is judged at the two decimals
/// printed, so that the runtime's own rare allocations (tiered JIT, a timer:
/// well under a byte per thousand frames) do not fail a 0-bytes-per-frame target.
/// </summary>
/// <param name="Floor">True when the target is a minimum, false when a maximum.</param>
public sealed record Target(string Figure, double Measured, double Goal, bool Floor, string Format)
{
    public bool Met => Floor ? Measured >= Goal : Math.Round(Measured, 2) <= Goal;

    public string Verdict => Met ? "PASS" : "BELOW";

    public string Show(double value) => value.ToString(Format, System.Globalization.CultureInfo.InvariantCulture);
}
