namespace XvifSim.Host.Faults;

/// <summary>
/// The cause a <see cref="FaultKind.Crash"/> fault gives domain_crash
/// (Machine.Crash), so that whoever watches crashes can tell an injected
/// crash from a driver's own exception.
/// </summary>
public sealed class InjectedFaultException : Exception
{
    /// <summary>A crash injected by <paramref name="spec"/>; <paramref name="message"/> says what triggered it.</summary>
    public InjectedFaultException(FaultSpec spec, string message)
        : base(message)
    {
        Spec = spec;
    }

    /// <summary>The spec that crashed the domain.</summary>
    public FaultSpec Spec { get; }
}
