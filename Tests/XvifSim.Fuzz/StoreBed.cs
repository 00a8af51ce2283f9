using XvifSim.Emulator;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Host.Toolstack;

namespace XvifSim.Fuzz;

/// <summary>
/// A machine whose xenstored the XenStore target talks to: dom0's home
/// written as the toolstack does, the toolstack's own privileged client,
/// and xenstored's log watched for internal errors (an exception while
/// serving a ring, which the service catches and logs).
/// </summary>
internal sealed class StoreBed : IDisposable
{
    private readonly List<string> _internalErrors = [];

    public StoreBed()
    {
        Machine = new Machine(new DeterministicScheduler(1));
        Machine.XenStore.Logged += line =>
        {
            if (line.Contains("internal error", StringComparison.Ordinal))
            {
                _internalErrors.Add(line);
            }
        };
        Toolstack = new XsHostClient(Machine.XenStore.Core);
        DomainDirectories.WriteDom0(Toolstack);
    }

    public Machine Machine { get; }

    public XsHostClient Toolstack { get; }

    public XenStoreCore Core => Machine.XenStore.Core;

    public IReadOnlyList<string> InternalErrors => _internalErrors;

    /// <summary>Connections, watches and open transactions in the store: what a departed client must give back.</summary>
    public (int Connections, int Watches, int Transactions) Held => (Core.ConnectionCount, Core.WatchCount, Core.TransactionCount);

    public void Dispose()
    {
        Toolstack.Dispose();
        Machine.Dispose();
    }
}
