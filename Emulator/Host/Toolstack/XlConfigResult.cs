namespace XvifSim.Host.Toolstack;

/// <summary>
/// The outcome of reading an xl.cfg file: the configuration when there was no
/// error, and every error and warning found (the parser does not stop at the
/// first problem, so a user sees them all at once).
/// </summary>
internal sealed record XlConfigResult(GuestConfig? Config, IReadOnlyList<XlConfigDiagnostic> Errors, IReadOnlyList<XlConfigDiagnostic> Warnings)
{
    public bool Succeeded => Config is not null;

    /// <summary>The line of the name key, so checks across files can point at it.</summary>
    public int? NameLine { get; init; }

    /// <summary>The line of each vif spec, by handle.</summary>
    public IReadOnlyList<int> VifLines { get; init; } = [];
}
