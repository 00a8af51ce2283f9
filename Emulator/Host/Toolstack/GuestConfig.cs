namespace XvifSim.Host.Toolstack;

/// <summary>What a guest is created with: the xl.cfg(5) keys this toolstack uses.</summary>
public sealed record GuestConfig(string Name)
{
    /// <summary>memory= in MiB; null leaves the hypervisor's default.</summary>
    public int? MemoryMiB { get; init; }

    /// <summary>vif=: one entry per network interface, in handle order (handle = index).</summary>
    public IReadOnlyList<VifSpec> Vifs { get; init; } = [];
}
