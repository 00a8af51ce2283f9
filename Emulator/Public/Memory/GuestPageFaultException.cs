namespace XvifSim.Public.Memory;

/// <summary>
/// A guest touched a frame with nothing behind it. Like a real page fault in a
/// guest kernel, it ends that domain (the scheduler crashes it) and nothing else.
/// </summary>
public sealed class GuestPageFaultException(DomId domain, Gfn gfn)
    : Exception($"{domain}: page fault at {gfn}: no frame there")
{
    /// <summary>The domain whose memory was touched.</summary>
    public DomId Domain { get; } = domain;

    /// <summary>The frame that was not there.</summary>
    public Gfn Gfn { get; } = gfn;
}
