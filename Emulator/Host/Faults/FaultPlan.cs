using System.Diagnostics.CodeAnalysis;

namespace XvifSim.Host.Faults;

/// <summary>
/// The faults a run injects: a set of <see cref="FaultSpec"/>s, installed on
/// the simulated host before dom0 boots (ScenarioOptions.Faults). With the
/// deterministic scheduler and the same seed, the same plan strikes the same
/// operations and the run happens again byte for byte.
/// </summary>
public sealed class FaultPlan
{
    /// <summary>A plan of <paramref name="specs"/>, in order: where two match one operation, the first that strikes answers it.</summary>
    public FaultPlan(IEnumerable<FaultSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        Specs = [.. specs];
    }

    /// <summary>A plan with no faults.</summary>
    public static FaultPlan Empty { get; } = new([]);

    /// <summary>The specs, in the order given.</summary>
    public IReadOnlyList<FaultSpec> Specs { get; }

    /// <summary>Parses every text with <see cref="FaultSpec.Parse"/>.</summary>
    /// <exception cref="FormatException">A text is no valid spec; the message quotes it and says what is wrong.</exception>
    public static FaultPlan Parse(IEnumerable<string> specs) =>
        TryParse(specs, out FaultPlan? plan, out string? error) ? plan : throw new FormatException(error);

    /// <summary>
    /// As <see cref="Parse"/>, but a bad text gives a one-line
    /// <paramref name="error"/>, <c>'&lt;spec&gt;': &lt;what is wrong&gt;</c>, for the first bad one.
    /// </summary>
    public static bool TryParse(IEnumerable<string> specs, [NotNullWhen(true)] out FaultPlan? plan, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var parsed = new List<FaultSpec>();
        foreach (string text in specs)
        {
            if (!FaultSpec.TryParse(text, out FaultSpec? spec, out string? reason))
            {
                plan = null;
                error = $"'{text}': {reason}";
                return false;
            }

            parsed.Add(spec);
        }

        plan = new FaultPlan(parsed);
        error = null;
        return true;
    }

    /// <summary>The specs' texts, comma-and-space separated.</summary>
    public override string ToString() => string.Join(", ", Specs);
}
