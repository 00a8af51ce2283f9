namespace XvifSim.Emulator.Domains;

/// <summary>A domain's life, as Xen's domain states.</summary>
public enum DomainState
{
    /// <summary>Running: its vCPU runs work.</summary>
    Running,
    /// <summary>Crashed (SHUTDOWN_crash): its vCPU stopped; it waits for the toolstack to destroy it.</summary>
    Crashed,
    /// <summary>Dying: destroyed, but a peer still maps one of its pages, so it lingers as a zombie.</summary>
    Dying,
    /// <summary>Dead: every resource released and gone from the domain list.</summary>
    Dead,
}
