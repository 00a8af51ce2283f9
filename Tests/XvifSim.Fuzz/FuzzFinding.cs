namespace XvifSim.Fuzz;

/// <summary>
/// A broken invariant a target checked for: what afl-fuzz records as a crash.
/// Errors a guest may cause are values (docs/design.md, "Guest failures are values") and never end up
/// here; this is only for what the code promises never to happen.
/// </summary>
public sealed class FuzzFinding(string message) : Exception(message)
{
    /// <summary>Throws unless <paramref name="holds"/>.</summary>
    public static void Check(bool holds, string what)
    {
        if (!holds)
        {
            throw new FuzzFinding(what);
        }
    }
}
