using XvifSim.Public;

namespace XvifSim.Emulator.Scheduling;

/// <summary>SKELETON (to be implemented).</summary>
public sealed class DeterministicScheduler(int seed) : IScheduler
{
    public int Seed => seed;

    public ulong NowNs => 0;

    public IVcpuContext CreateVcpu(DomId domain, Action<Exception> onFault) => throw new NotImplementedException();

    public bool RunUntil(Func<bool> condition, TimeSpan limit) => throw new NotImplementedException();

    public void RunFor(TimeSpan span) => throw new NotImplementedException();

    public void Dispose()
    {
    }
}
