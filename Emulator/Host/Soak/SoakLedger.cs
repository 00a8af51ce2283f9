using XvifSim.Guest.Net;
using XvifSim.Host.Systems;

namespace XvifSim.Host.Soak;

/// <summary>
/// Every interface and IP stack the soak ever had (a re-attach or resume
/// makes new ones; the old ones are kept so their counts survive), and the
/// drops by reason summed over them. Each reason is terminal for a frame.
/// Guarded by a lock: interfaces attach on the vCPUs' threads.
/// </summary>
internal sealed class SoakLedger
{
    private readonly object _lock = new();
    private readonly HashSet<NetworkInterface> _ifaces = [];
    private readonly HashSet<IpStack> _stacks = [];

    public void Add(NetworkInterface iface)
    {
        lock (_lock)
        {
            _ifaces.Add(iface);
        }
    }

    public void Add(IpStack stack)
    {
        lock (_lock)
        {
            _stacks.Add(stack);
        }
    }

    /// <summary>
    /// Drops by reason, read once traffic has stopped and settled. What the
    /// xvifs refused of bridge0's floods is not here: a broadcast (an ARP
    /// request) is one frame sent and a copy for every port, so its refused
    /// copies say nothing about datagrams, and of an unknown-unicast flood at
    /// most one copy was its destination's (see <see cref="SoakReport"/>);
    /// bridge0 counts both kinds (Bridge.BroadcastCopiesRefused,
    /// Bridge.UnknownUnicastCopiesRefused), and they are taken out of the
    /// xvifs' OutDrops and OutErrors, which count every refused frame.
    /// </summary>
    public SortedDictionary<string, long> Drops(Bridge bridge)
    {
        var drops = new SortedDictionary<string, long>(StringComparer.Ordinal);
        void Add(string reason, long count) => drops[reason] = drops.GetValueOrDefault(reason) + count;
        long xvifRefused = 0;
        lock (_lock)
        {
            foreach (NetworkInterface iface in _ifaces)
            {
                InterfaceCounters c = iface.Counters;
                string kind = iface.Name.StartsWith("xvif", StringComparison.Ordinal) ? "xvif" : iface.Name.StartsWith("xennet", StringComparison.Ordinal) ? "xennet" : iface.Name;
                if (kind == "xvif")
                {
                    Add("xvif InErrors+InDrops (TX refused, or off the bridge)", c.InErrors + c.InDrops);
                    xvifRefused += c.OutDrops + c.OutErrors;
                }
                else if (kind == "xennet")
                {
                    Add("xennet InErrors+InDrops", c.InErrors + c.InDrops);
                }
                else
                {
                    Add($"{kind} InDrops+OutErrors", c.InDrops + c.OutErrors);
                }
            }

            foreach (IpStack stack in _stacks)
            {
                IpStackCounters c = stack.Counters;
                Add("ARP hold replaced / resolve failed (held datagram lost)", c.ArpHoldReplaced + c.ArpResolveFailed);
                Add("stack: bad header or checksum", c.IpBadHeader + c.IpBadChecksum + c.UdpBadChecksum + c.UdpBadLength);
                Add("stack: UDP port not bound", c.UdpNoPort);
            }
        }

        Add("xvif OutDrops+OutErrors of unicast (RX queue full, not running)", xvifRefused - bridge.BroadcastCopiesRefused - bridge.UnknownUnicastCopiesRefused);
        Add("bridge0 dropped", bridge.Dropped);
        Add("bridge0 flooded to no member", bridge.FloodedToNone);
        return drops;
    }

    /// <summary>ARP frames the stacks sent: they travel the same path and may be counted among the drops.</summary>
    public long ArpFramesSent()
    {
        lock (_lock)
        {
            return _stacks.Sum(s => s.Counters.ArpRequestsSent + s.Counters.ArpRepliesSent);
        }
    }

    /// <summary>
    /// Copies of flooded unknown-unicast frames that stacks discarded as not
    /// theirs (EtherNotForUs, IpNotForUs). Not a drop: a frame flooded while
    /// the bridge has not (re)learned its destination reaches every member,
    /// and one copy may still be taken by the destination; when the
    /// destination has gone, these copies are all that is left of it, and the
    /// counters cannot tell the two apart, so they bound the reconciliation.
    /// </summary>
    public long NotForUsCopies()
    {
        lock (_lock)
        {
            return _stacks.Sum(s => s.Counters.EtherNotForUs + s.Counters.IpNotForUs);
        }
    }

    /// <summary>UDP datagrams every stack received (UdpReceived), for the report.</summary>
    public long UdpReceived()
    {
        lock (_lock)
        {
            return _stacks.Sum(s => s.Counters.UdpReceived);
        }
    }
}
