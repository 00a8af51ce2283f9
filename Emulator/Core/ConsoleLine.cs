using XvifSim.Public;

namespace XvifSim.Emulator;

/// <summary>One line a domain's kernel wrote to its console, stamped with Xen system time.</summary>
public sealed record ConsoleLine(ulong TimeNs, DomId Domain, string DomainName, string Text)
{
    /// <summary>The machine-wide write order, which keeps lines of different domains in order when their rings are merged.</summary>
    internal long Sequence { get; init; }

    /// <summary>As a kernel log line: <c>[    1.000234] text</c>.</summary>
    public string ToLogLine() => $"[{TimeNs / 1_000_000_000,5}.{TimeNs / 1000 % 1_000_000:D6}] {Text}";
}
