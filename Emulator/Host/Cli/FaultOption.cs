using System.CommandLine;
using XvifSim.Host.Faults;

namespace XvifSim.Host.Cli;

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
    /// The plan of every --fault given, or false after printing
    /// <c>xvifsim &lt;command&gt;: --fault '&lt;spec&gt;': &lt;what is wrong&gt;</c>
    /// for the first bad one (the caller exits 2).
    /// </summary>
    public static bool TryGetPlan(ParseResult result, string command, out FaultPlan? plan)
    {
        if (FaultPlan.TryParse(result.GetValue(Option) ?? [], out plan, out string? error))
        {
            return true;
        }

        Console.Error.WriteLine($"xvifsim {command}: --fault {error}");
        return false;
    }
}
