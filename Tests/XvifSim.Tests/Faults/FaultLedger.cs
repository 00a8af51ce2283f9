using XvifSim.Guest.Net;
using XvifSim.Host.Systems;

namespace XvifSim.Tests.Faults;

/// <summary>
/// Where each frame of a <see cref="FaultStream"/> can die, counted on every
/// interface and stack object that exists during the fault (a re-attach
/// makes new ones: the old ones are kept so their counts are not lost).
/// Only the stream flows while the ledger is open (ARP is warmed first), so
/// the counters' deltas are the stream's. Each reason is terminal for a
/// frame, so none is counted twice:
/// sender's stack (refused, no route, no interface) → xvif of the sender
/// (InErrors, InDrops: a bad chain, or no bridge any more) → bridge0
/// (Dropped, FloodedToNone: the destination's port has gone) → xvif of the
/// receiver (OutDrops: not running or RX queue full; OutErrors) → the
/// receiver's xennet0 (InErrors, InDrops) → the receiver's stack (not for
/// us, bad checksum, no port). What is left is what a torn-down ring took:
/// TX requests the sender's backend never answered, or frames queued in the
/// receiver's xvif or posted into its RX ring when the rings went; no
/// counter can see those (the ring is gone), so they are the residual,
/// bounded by the ring and queue sizes.
/// </summary>
internal sealed class FaultLedger
{
    /// <summary>RX ring (256) + xvif's RX queue (512) + TX ring (256): the most a torn-down connection can hold.</summary>
    public const long TornDownBound = 256 + 512 + 256;

    private readonly SimulatedXen _xen;
    private readonly Dictionary<NetworkInterface, InterfaceCounters> _ifaces = [];
    private readonly Dictionary<IpStack, IpStackCounters> _stacks = [];
    private readonly HashSet<NetworkInterface> _receiverIfaces = [];
    private readonly long _bridgeDropped;
    private readonly long _bridgeFloodedToNone;

    public FaultLedger(SimulatedXen xen, GuestSystem receiver)
    {
        _xen = xen;
        foreach ((string _, NetworkInterface iface) in xen.Interfaces())
        {
            _ifaces[iface] = Copy(iface.Counters);
        }

        Watch(xen.Dom0.Kernel.Interfaces);
        foreach (GuestSystem guest in xen.Guests)
        {
            Watch(guest.Kernel.Interfaces);
        }

        _receiverIfaces.UnionWith(receiver.Kernel.Interfaces.All);
        AddStack(receiver);
        receiver.Kernel.Interfaces.Changed += (iface, attached) =>
        {
            if (attached && iface.Name == "xennet0")
            {
                _receiverIfaces.Add(iface);
                AddStack(receiver);
            }
        };
        _bridgeDropped = xen.Dom0.Bridge.Dropped;
        _bridgeFloodedToNone = xen.Dom0.Bridge.FloodedToNone;
    }

    public SortedDictionary<string, long> Drops { get; } = [];

    public long Residual { get; private set; }

    /// <summary>Closes the ledger: every reason's count, and what is left of <c>sent - received - drops</c>.</summary>
    public void Close(FaultStream stream)
    {
        Drops.Clear();
        Drops["sender xennet0 refused (down, not running, ring full)"] = stream.SenderDropped;
        Drops["sender had no xennet0 (ENETUNREACH)"] = stream.NoInterface;
        Drops["sender no route"] = stream.NoRoute;
        Drops["sender ARP held"] = stream.Queued;
        Drops["bridge0 dropped"] = _xen.Dom0.Bridge.Dropped - _bridgeDropped;
        Drops["bridge0 flooded to no member (destination port gone)"] = _xen.Dom0.Bridge.FloodedToNone - _bridgeFloodedToNone;
        foreach ((NetworkInterface iface, InterfaceCounters before) in _ifaces)
        {
            InterfaceCounters now = iface.Counters;
            if (iface.Name.StartsWith("xvif", StringComparison.Ordinal))
            {
                Add($"{iface.Name} InErrors+InDrops (TX from the guest refused, or no bridge)", now.InErrors - before.InErrors + now.InDrops - before.InDrops);
                Add($"{iface.Name} OutDrops (not running, RX queue full)", now.OutDrops - before.OutDrops);
                Add($"{iface.Name} OutErrors", now.OutErrors - before.OutErrors);
            }
            else if (_receiverIfaces.Contains(iface))
            {
                Add($"receiver {iface.Name} InErrors+InDrops", now.InErrors - before.InErrors + now.InDrops - before.InDrops);
            }
        }

        foreach ((IpStack stack, IpStackCounters before) in _stacks)
        {
            IpStackCounters now = stack.Counters;
            Add("receiver stack: not for us / bad header or checksum", now.EtherNotForUs - before.EtherNotForUs + now.IpNotForUs - before.IpNotForUs
                + now.IpBadHeader - before.IpBadHeader + now.IpBadChecksum - before.IpBadChecksum
                + now.UdpBadChecksum - before.UdpBadChecksum + now.UdpBadLength - before.UdpBadLength);
            Add("receiver stack: UDP port not bound", now.UdpNoPort - before.UdpNoPort);
        }

        Residual = stream.Attempts - stream.Received - Drops.Values.Sum();
    }

    public long Dropped => Drops.Values.Sum();

    public string Describe(FaultStream stream) =>
        $"attempted {stream.Attempts} (sent {stream.Sent}), received {stream.Received}, dropped {Dropped}, torn down in a ring {Residual}: "
        + string.Join("; ", Drops.Where(d => d.Value != 0).Select(d => $"{d.Key} {d.Value}"));

    private void Add(string reason, long count) => Drops[reason] = Drops.GetValueOrDefault(reason) + count;

    private void AddStack(GuestSystem receiver)
    {
        if (receiver.Ip is { } ip && !_stacks.ContainsKey(ip))
        {
            _stacks[ip] = Copy(ip.Counters);
        }
    }

    private void Watch(InterfaceTable table) => table.Changed += (iface, attached) =>
    {
        if (attached)
        {
            _ifaces.TryAdd(iface, new InterfaceCounters());
        }
    };

    private static InterfaceCounters Copy(InterfaceCounters c) => new()
    {
        InPackets = c.InPackets, InBytes = c.InBytes, InErrors = c.InErrors, InDrops = c.InDrops,
        OutPackets = c.OutPackets, OutBytes = c.OutBytes, OutErrors = c.OutErrors, OutDrops = c.OutDrops,
    };

    private static IpStackCounters Copy(IpStackCounters c) => new()
    {
        EtherNotForUs = c.EtherNotForUs, IpNotForUs = c.IpNotForUs, IpBadHeader = c.IpBadHeader, IpBadChecksum = c.IpBadChecksum,
        UdpBadChecksum = c.UdpBadChecksum, UdpBadLength = c.UdpBadLength, UdpNoPort = c.UdpNoPort,
    };
}
