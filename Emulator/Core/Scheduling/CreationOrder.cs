namespace XvifSim.Emulator.Scheduling;

/// <summary>Orders a <see cref="DeterministicScheduler"/>'s vCPUs as they were created, the order its draws and ties follow.</summary>
internal sealed class CreationOrder : IComparer<DeterministicVcpu>
{
    public static readonly CreationOrder Instance = new();

    public int Compare(DeterministicVcpu? x, DeterministicVcpu? y) => (x?.Order ?? -1).CompareTo(y?.Order ?? -1);
}
