namespace XvifSim.Emulator.Memory;

/// <summary>A machine frame number: the hypervisor's own name for a page, the same whoever maps it.</summary>
public readonly record struct Mfn(ulong Value)
{
    /// <summary>mfn 0x... in hex.</summary>
    public override string ToString() => $"mfn 0x{Value:x}";
}
