namespace XvifSim.Tests.Outside;

/// <summary>How an outside program ended and what it printed.</summary>
internal sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}--- stderr ---\n{Error}";
}
