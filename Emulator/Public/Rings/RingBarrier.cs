namespace XvifSim.Public.Rings;

/// <summary>
/// The barriers io/ring.h names (xen_mb, xen_rmb, xen_wmb). .NET has one full
/// fence; each use keeps its ring.h name so the reader sees which ordering the
/// protocol needs at that point.
/// </summary>
public static class RingBarrier
{
    /// <summary>xen_mb(): full barrier.</summary>
    public static void Mb() => Interlocked.MemoryBarrier();

    /// <summary>xen_rmb(): reads after this see at least what the index read before it published.</summary>
    public static void Rmb() => Interlocked.MemoryBarrier();

    /// <summary>xen_wmb(): writes before this are visible before the index written after it.</summary>
    public static void Wmb() => Interlocked.MemoryBarrier();
}
