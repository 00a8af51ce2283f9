namespace XvifSim.Fuzz;

/// <summary>
/// One thing to fuzz: <see cref="Run"/> feeds an input to the product and
/// throws (a <see cref="FuzzFinding"/> or the product's own exception) only
/// for a real bug. A target may keep a machine between runs where that is
/// sound (and releases it on Dispose), so runs must not depend on each
/// other's inputs.
/// </summary>
public interface IFuzzTarget : IDisposable
{
    /// <summary>The name given on the command line and used for corpus/&lt;name&gt;.</summary>
    string Name { get; }

    void Run(ReadOnlySpan<byte> input);
}
