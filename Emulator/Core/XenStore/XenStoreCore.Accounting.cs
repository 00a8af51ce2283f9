namespace XvifSim.Emulator.XenStore;

/// <summary>
/// Counts of what clients hold, so transports and tests can check that a
/// client that goes away leaves nothing behind (docs/design.md, "Everything has an owner").
/// </summary>
public sealed partial class XenStoreCore
{
    /// <summary>Connected clients, the direct host caller excluded.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Watches registered by all connected clients.</summary>
    public int WatchCount
    {
        get
        {
            lock (_lock)
            {
                return _connections.Sum(c => c.Watches.Count);
            }
        }
    }

    /// <summary>Transactions open on all connected clients.</summary>
    public int TransactionCount
    {
        get
        {
            lock (_lock)
            {
                return _connections.Sum(c => c.Transactions.Count);
            }
        }
    }
}
