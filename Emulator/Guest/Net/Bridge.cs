using System.Diagnostics.CodeAnalysis;

namespace XvifSim.Guest.Net;

/// <summary>
/// dom0's bridge (NetBSD's bridge(4)): a learning switch over member
/// interfaces, with its own interface (bridge0) for dom0's IP stack.
///
/// Each member's receiver becomes the bridge's input for that port. A frame
/// is learned by source MAC (refused if the source is multicast, as
/// bridge_input does), then: for bridge0's MAC it goes up bridge0 only;
/// broadcast and multicast are flooded to the other members and also go up
/// bridge0; known unicast goes to its port, unless that is the port it came
/// in on (the destination is on the segment it came from: no hairpin);
/// unknown unicast is flooded. Frames dom0 sends on bridge0 (taps see them
/// Out there) are forwarded the same way. A member that is not RUNNING drops
/// what it is given and counts it in its own OutDrops.
///
/// Learned addresses age out after <see cref="AgingTimeNs"/> on the vCPU
/// clock, checked when looked up (no timer); the table holds at most
/// <see cref="MaxAddresses"/> (NetBSD's brt_max, 100) and stops learning when
/// full of live entries. Not supported: STP, filtering, span ports, static
/// addresses, per-port learning flags. Runs on dom0's vCPU; does not allocate
/// per frame. A frame is forwarded as the same <see cref="PacketBuffer"/>,
/// with a reference for each port it goes to (NetBSD's bridge_broadcast
/// m_copym's the mbuf per member and shares its clusters): nothing is copied.
/// </summary>
public sealed class Bridge : INetDriver
{
    private readonly Func<ulong> _clockNs;
    private readonly List<NetworkInterface> _members = [];
    private readonly Dictionary<MacAddress, (NetworkInterface Port, ulong LearnedNs)> _table;
    private readonly FrameHandler _input;

    /// <param name="name">The bridge's interface name (bridge0).</param>
    /// <param name="mac">The bridge interface's MAC.</param>
    /// <param name="clockNs">dom0's vCPU system time in nanoseconds.</param>
    /// <param name="pool">dom0's packet buffers, for bridge0's stack.</param>
    /// <param name="maxAddresses">The address table's size, preallocated.</param>
    public Bridge(string name, MacAddress mac, Func<ulong> clockNs, PacketPool pool, int maxAddresses = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAddresses, 1);
        _clockNs = clockNs;
        MaxAddresses = maxAddresses;
        _table = new Dictionary<MacAddress, (NetworkInterface, ulong)>(maxAddresses);
        _input = Input;
        // A bridge has no link of its own to wait for: it is RUNNING from
        // creation and forwards once the administrator sets it UP.
        Local = new NetworkInterface(name, mac, this, pool) { IsRunning = true };
    }

    /// <summary>bridge0: the bridge's own interface, for dom0's IP stack and its taps.</summary>
    public NetworkInterface Local { get; }

    /// <summary>The interfaces bridged, in the order they were added.</summary>
    public IReadOnlyList<NetworkInterface> Members => _members;

    /// <summary>
    /// How long a learned address is trusted: 300 s, the IEEE 802.1D default
    /// ageing time (NetBSD's own default, BRIDGE_RTABLE_TIMEOUT, is 1200 s;
    /// brconfig timeout changes it).
    /// </summary>
    public ulong AgingTimeNs { get; set; } = 300UL * 1_000_000_000;

    /// <summary>How many source addresses the bridge learns at most (NetBSD's brt_max).</summary>
    public int MaxAddresses { get; }

    /// <summary>Frames sent to one learned port.</summary>
    public long Forwarded { get; private set; }

    /// <summary>Frames flooded (broadcast, multicast, unknown unicast).</summary>
    public long Flooded { get; private set; }

    /// <summary>Frames dropped by the bridge: multicast source, destination on the input port, or bridge0 down.</summary>
    public long Dropped { get; private set; }

    /// <summary>
    /// Frames flooded with no member to take them (the destination's port has
    /// gone, e.g. its vif was detached, and the only member left is the input
    /// port): without this count such a frame would vanish unaccounted.
    /// </summary>
    public long FloodedToNone { get; private set; }

    /// <summary>
    /// Copies of flooded broadcast or multicast frames (ARP requests, on
    /// bridge0) that a member refused: counted in that member's OutDrops or
    /// OutErrors, once per port, so a flood to many ports that find their
    /// RX queues full is many of these for one frame sent.
    /// </summary>
    public long BroadcastCopiesRefused { get; private set; }

    /// <summary>
    /// Copies of flooded unknown-unicast frames that a member refused
    /// (counted in its OutDrops or OutErrors): at most one copy of each flood
    /// was for the destination, the others would have been discarded as not
    /// for it.
    /// </summary>
    public long UnknownUnicastCopiesRefused { get; private set; }

    /// <summary>Addresses not learned because the table was full of live entries.</summary>
    public long LearnFailures { get; private set; }

    /// <summary>Learned addresses, including ones that have aged out but not yet been looked up.</summary>
    public int AddressCount => _table.Count;

    /// <summary>brconfig add: the member's received frames now come to the bridge.</summary>
    public void AddMember(NetworkInterface member)
    {
        if (_members.Contains(member) || member == Local)
        {
            throw new InvalidOperationException($"{member.Name} cannot be added to {Local.Name}");
        }

        _members.Add(member);
        member.Receiver = _input;
    }

    /// <summary>brconfig delete: detaches the member and forgets the addresses learned on it.</summary>
    public void RemoveMember(NetworkInterface member)
    {
        if (!_members.Remove(member))
        {
            return;
        }

        member.Receiver = null;
        foreach (KeyValuePair<MacAddress, (NetworkInterface Port, ulong LearnedNs)> route in _table)
        {
            if (route.Value.Port == member)
            {
                _table.Remove(route.Key);
            }
        }
    }

    /// <summary>The port <paramref name="mac"/> was learned on, if it has not aged out.</summary>
    public bool TryLookup(MacAddress mac, [MaybeNullWhen(false)] out NetworkInterface port)
    {
        if (_table.TryGetValue(mac, out (NetworkInterface Port, ulong LearnedNs) route))
        {
            if (_clockNs() - route.LearnedNs < AgingTimeNs)
            {
                port = route.Port;
                return true;
            }

            _table.Remove(mac);
        }

        port = null;
        return false;
    }

    /// <summary>dom0's stack sent a frame on bridge0 (taps and counters already saw it): forward it to the members.</summary>
    bool INetDriver.Output(PacketBuffer packet, bool checksumBlank)
    {
        if (!packet.TryHead(EthernetFrame.HeaderLength, out Span<byte> header))
        {
            Local.Counters.OutErrors++;
            packet.Free();
            return false;
        }

        Forward(null, packet, header, checksumBlank);
        packet.Free();
        return true;
    }

    /// <summary>A member received <paramref name="packet"/> (borrowed): learn, then forward and/or deliver up, a reference each.</summary>
    private void Input(NetworkInterface port, PacketBuffer packet)
    {
        if (!Local.IsUp || !packet.TryHead(EthernetFrame.HeaderLength, out Span<byte> frame))
        {
            Dropped++;
            return;
        }

        MacAddress source = EthernetFrame.Source(frame);
        if (source.IsMulticast)
        {
            Dropped++;
            return;
        }

        Learn(source, port);
        MacAddress destination = EthernetFrame.Destination(frame);
        if (destination == Local.Mac)
        {
            packet.Hold();
            Local.Input(packet);
            return;
        }

        // Flood first, then deliver up, as bridge_input does.
        Forward(port, packet, frame, checksumBlank: false);
        if (destination.IsMulticast)
        {
            packet.Hold();
            Local.Input(packet);
        }
    }

    /// <summary>
    /// Sends <paramref name="packet"/> (whose Ethernet header is <paramref name="frame"/>)
    /// toward its destination, a reference per port; the caller keeps its
    /// own. <paramref name="inPort"/> is null for frames from bridge0.
    /// </summary>
    private void Forward(NetworkInterface? inPort, PacketBuffer packet, ReadOnlySpan<byte> frame, bool checksumBlank)
    {
        MacAddress destination = EthernetFrame.Destination(frame);
        if (!destination.IsMulticast && TryLookup(destination, out NetworkInterface? outPort))
        {
            if (outPort == inPort)
            {
                Dropped++;
                return;
            }

            Forwarded++;
            packet.Hold();
            outPort.Send(packet, checksumBlank);
            return;
        }

        Flooded++;
        int sentTo = 0;
        foreach (NetworkInterface member in _members)
        {
            if (member != inPort)
            {
                packet.Hold();
                if (!member.Send(packet, checksumBlank))
                {
                    if (destination.IsMulticast)
                    {
                        BroadcastCopiesRefused++;
                    }
                    else
                    {
                        UnknownUnicastCopiesRefused++;
                    }
                }

                sentTo++;
            }
        }

        if (sentTo == 0 && !destination.IsMulticast)
        {
            FloodedToNone++;
        }
    }

    private void Learn(MacAddress source, NetworkInterface port)
    {
        ulong now = _clockNs();
        if (_table.Count >= MaxAddresses && !_table.ContainsKey(source))
        {
            foreach (KeyValuePair<MacAddress, (NetworkInterface Port, ulong LearnedNs)> route in _table)
            {
                if (now - route.Value.LearnedNs >= AgingTimeNs)
                {
                    _table.Remove(route.Key);
                }
            }

            if (_table.Count >= MaxAddresses)
            {
                LearnFailures++;
                return;
            }
        }

        // A station that moved is relearned on its new port.
        _table[source] = (port, now);
    }
}
