namespace XvifSim.Guest.Net;

/// <summary>ARP (RFC 826): the cache, answering requests, resolving next hops, retries and expiry.</summary>
public sealed partial class IpStack
{
    private readonly ArpEntry[] _arp;

    /// <summary>How long a resolved entry is used before it is asked again (NetBSD's arpt_keep, 20 minutes).</summary>
    public ulong ArpLifetimeNs { get; set; } = 20UL * 60 * 1_000_000_000;

    /// <summary>The gap between requests for an unresolved address (NetBSD rate-limits them to one a second).</summary>
    public ulong ArpRetryIntervalNs { get; set; } = 1_000_000_000;

    /// <summary>Requests sent for one address before giving up (NetBSD's arp_maxtries, 5).</summary>
    public int ArpMaxTries { get; set; } = 5;

    /// <summary>Cache slots in use (resolved or waiting).</summary>
    public int ArpEntryCount
    {
        get
        {
            int count = 0;
            foreach (ArpEntry entry in _arp)
            {
                count += entry.InUse ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>The MAC for <paramref name="ip"/>, if the cache holds a resolved entry that has not expired.</summary>
    public bool TryGetArpEntry(IPv4Address ip, out MacAddress mac)
    {
        ArpEntry? entry = Find(ip);
        if (entry is { Resolved: true } && _clockNs() < entry.ExpiresNs)
        {
            mac = entry.Mac;
            return true;
        }

        mac = default;
        return false;
    }

    private ArpEntry? Find(IPv4Address ip)
    {
        foreach (ArpEntry entry in _arp)
        {
            if (entry.InUse && entry.Ip == ip)
            {
                return entry;
            }
        }

        return null;
    }

    private void ArpInput(ReadOnlySpan<byte> arp)
    {
        if (!ArpPacket.IsEthernetIPv4(arp))
        {
            Counters.ArpInvalid++;
            return;
        }

        ushort operation = ReadU16(arp, ArpPacket.OperationOffset);
        if (operation == ArpPacket.OperationRequest)
        {
            Counters.ArpRequestsReceived++;
        }
        else if (operation == ArpPacket.OperationReply)
        {
            Counters.ArpRepliesReceived++;
        }
        else
        {
            Counters.ArpInvalid++;
            return;
        }

        MacAddress senderMac = MacAddress.FromBytes(arp[ArpPacket.SenderHardwareOffset..]);
        IPv4Address senderIp = IPv4Address.FromBytes(arp[ArpPacket.SenderProtocolOffset..]);
        IPv4Address targetIp = IPv4Address.FromBytes(arp[ArpPacket.TargetProtocolOffset..]);

        // Our own frame flooded back, a multicast sender, or someone else
        // using our address: NetBSD's in_arpinput ignores all three (and logs
        // the last as a duplicate address) so the cache is never poisoned.
        if (senderMac == Interface.Mac || senderMac.IsMulticast || senderIp == Address)
        {
            Counters.ArpInvalid++;
            return;
        }

        ulong now = _clockNs();
        // RFC 826 "Packet Reception": update an existing entry for the sender
        // whoever the target is (the merge flag); add one only if we are the
        // target. A sender of 0.0.0.0 is a probe (RFC 5227) and names no one.
        bool merged = false;
        if (senderIp != IPv4Address.Any && Find(senderIp) is ArpEntry known)
        {
            Resolve(known, senderMac, now);
            merged = true;
        }

        if (targetIp != Address)
        {
            return;
        }

        if (!merged && senderIp != IPv4Address.Any)
        {
            ArpEntry entry = Allocate(senderIp, now);
            Resolve(entry, senderMac, now);
        }

        if (operation == ArpPacket.OperationRequest && TryBuildArp(out PacketBuffer reply, out Span<byte> arpOut))
        {
            ArpPacket.Write(arpOut, ArpPacket.OperationReply, Interface.Mac, Address, senderMac, senderIp);
            Counters.ArpRepliesSent++;
            Transmit(reply, senderMac, EthernetFrame.TypeArp, checksumBlank: false);
        }
    }

    /// <summary>Records <paramref name="mac"/> for the entry and sends the datagram held while it was unresolved.</summary>
    private void Resolve(ArpEntry entry, MacAddress mac, ulong now)
    {
        entry.Resolved = true;
        entry.Mac = mac;
        entry.ExpiresNs = now + ArpLifetimeNs;
        entry.Asked = 0;
        if (entry.Hold is not { } held)
        {
            return;
        }

        entry.Hold = null;
        Transmit(held, mac, EthernetFrame.TypeIPv4, entry.HoldChecksumBlank);
    }

    /// <summary>
    /// Sends the IPv4 frame in <paramref name="packet"/> to <paramref name="destination"/>
    /// if its MAC is known; otherwise holds the buffer (replacing any frame
    /// held before, like NetBSD's la_hold) and asks.
    /// </summary>
    private IpOutputStatus ArpResolveAndSend(PacketBuffer packet, IPv4Address destination, bool checksumBlank)
    {
        ulong now = _clockNs();
        ArpEntry? entry = Find(destination);
        if (entry is { Resolved: true } && now < entry.ExpiresNs)
        {
            return Transmit(packet, entry.Mac, EthernetFrame.TypeIPv4, checksumBlank);
        }

        if (entry is null)
        {
            entry = Allocate(destination, now);
        }
        else if (entry.Resolved)
        {
            // Expired: ask again before trusting it (arpt_keep ran out).
            entry.Resolved = false;
            entry.Asked = 0;
        }

        if (entry.Hold is { } replaced)
        {
            Counters.ArpHoldReplaced++;
            replaced.Free();
        }

        entry.Hold = packet;
        entry.HoldChecksumBlank = checksumBlank;
        if (entry.Asked == 0 || (now - entry.LastRequestNs >= ArpRetryIntervalNs && entry.Asked < ArpMaxTries))
        {
            SendRequest(entry, now);
        }

        return IpOutputStatus.Queued;
    }

    private void SendRequest(ArpEntry entry, ulong now)
    {
        entry.Asked++;
        entry.LastRequestNs = now;
        if (!TryBuildArp(out PacketBuffer request, out Span<byte> arp))
        {
            return;
        }

        // RFC 826: the target hardware address is unknown; NetBSD sends zeros.
        ArpPacket.Write(arp, ArpPacket.OperationRequest, Interface.Mac, Address, default, entry.Ip);
        Counters.ArpRequestsSent++;
        Transmit(request, MacAddress.Broadcast, EthernetFrame.TypeArp, checksumBlank: false);
    }

    /// <summary>A buffer for an ARP frame, and where its ARP packet goes; false (counted) when the pool is exhausted.</summary>
    private bool TryBuildArp(out PacketBuffer packet, out Span<byte> arp)
    {
        const int length = EthernetFrame.HeaderLength + ArpPacket.Length;
        if (!Interface.Pool.TryAllocate(length, out packet))
        {
            Counters.NoBuffers++;
            Interface.Counters.OutDrops++;
            arp = default;
            return false;
        }

        packet.TryHead(length, out Span<byte> frame);
        arp = frame[EthernetFrame.HeaderLength..];
        return true;
    }

    /// <summary>
    /// A free slot for <paramref name="ip"/>, incomplete. When the cache is
    /// full it reuses the resolved entry closest to expiry, or failing that the
    /// longest-waiting incomplete one (whose held datagram is lost, counted as
    /// a failed resolution).
    /// </summary>
    private ArpEntry Allocate(IPv4Address ip, ulong now)
    {
        ArpEntry? victim = null;
        foreach (ArpEntry entry in _arp)
        {
            if (!entry.InUse)
            {
                victim = entry;
                break;
            }

            if (victim is null
                || (entry.Resolved && (!victim.Resolved || entry.ExpiresNs < victim.ExpiresNs))
                || (!entry.Resolved && !victim.Resolved && entry.LastRequestNs < victim.LastRequestNs))
            {
                victim = entry;
            }
        }

        if (victim!.InUse && !victim.Resolved)
        {
            Counters.ArpResolveFailed++;
        }

        victim.Free();
        victim.InUse = true;
        victim.Ip = ip;
        victim.LastRequestNs = now;
        return victim;
    }

    /// <summary>NetBSD's ARP timer: re-ask for incomplete entries, give up after the last try, drop expired ones.</summary>
    private void ArpTimer(ulong now)
    {
        foreach (ArpEntry entry in _arp)
        {
            if (!entry.InUse)
            {
                continue;
            }

            if (entry.Resolved)
            {
                if (now >= entry.ExpiresNs)
                {
                    Counters.ArpExpired++;
                    entry.Free();
                }

                continue;
            }

            if (now - entry.LastRequestNs < ArpRetryIntervalNs)
            {
                continue;
            }

            if (entry.Asked >= ArpMaxTries)
            {
                Counters.ArpResolveFailed++;
                entry.Free();
            }
            else
            {
                SendRequest(entry, now);
            }
        }
    }
}
