namespace XvifSim.Host;

/// <summary>
/// A domain crashed (Xen's domain_crash): code running on its vCPU, a
/// driver's or the guest kernel's, threw, synchronously or in an awaited
/// continuation. <see cref="Exception.InnerException"/> is that exception
/// with its stack; the same is in the domain's kernel log. Thrown by the
/// first <see cref="XenHost"/> wait after the crash, or by its Dispose.
/// </summary>
public sealed class DomainCrashedException : Exception
{
    /// <summary>Makes the exception for domain <paramref name="domain"/> crashed by <paramref name="cause"/>.</summary>
    public DomainCrashedException(string domain, Exception cause)
        : base($"{domain} crashed: {cause.GetType().FullName}: {cause.Message}", cause)
    {
        Domain = domain;
    }

    /// <summary>The crashed domain's name.</summary>
    public string Domain { get; }
}
