using System.CommandLine;
using XvifSim.Host.Faults;

namespace XvifSim.Cli;

/// <summary>--fault SPEC, repeatable, shared by `run` and `up`.</summary>
internal static class FaultOption
{
    public static readonly Option<string[]> Option = new("--fault")
    {
        Description = "Inject a fault, e.g. gnttab-copy:dom=0,nth=3,status=GNTST_bad_gntref or xs:op=TRANSACTION_END,error=EAGAIN (repeatable; README: Fault injection).",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>
    /// The plan of every --fault given, and null; or, for the first bad one,
    /// <c>xvifsim &lt;command&gt;: --fault '&lt;spec&gt;': &lt;what is wrong&gt;</c>
    /// and the usage line on stderr, and the exit code for bad input.
    /// </summary>
    public static int? Check(Command command, ParseResult result, out FaultPlan? plan) =>
        FaultPlan.TryParse(result.GetValue(Option) ?? [], out plan, out string? error) ? null : CliUsage.Fail(command, $"--fault {error}");
}
