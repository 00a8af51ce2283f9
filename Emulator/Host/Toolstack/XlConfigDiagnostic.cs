namespace XvifSim.Host.Toolstack;

/// <summary>
/// One problem found in an xl.cfg file, an error or a warning, shown as
/// <c>file:line: message</c> (or <c>file: message</c> when no line is to blame,
/// as for a missing key).
/// </summary>
internal sealed record XlConfigDiagnostic(string File, int? Line, string Message)
{
    public override string ToString() => Line is int line ? $"{File}:{line}: {Message}" : $"{File}: {Message}";
}
