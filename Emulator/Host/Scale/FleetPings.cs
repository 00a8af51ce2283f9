using XvifSim.Backend;
using XvifSim.Host.Systems;

namespace XvifSim.Host.Scale;

/// <summary>
/// What became of the fleet's echoes to dom0. When every guest first ARPs
/// for dom0 at once, dom0's bridge floods each request to every other port,
/// so each xvif is handed one broadcast per guest: more than the 256 RX
/// buffers its guest posted. What does not fit waits in xvif's RX queue
/// (512 deep; beyond that a frame is dropped and counted in if_oqdrops,
/// <see cref="RxQueueDrops"/>), and, since NetBSD's xennetback never sets
/// the RX ring's req_event, the guest does not say when it posts more
/// buffers: the queue moves on the guest's next event or the 1-second
/// watchdog. So an echo is late, not lost, when its guest's dom0 ARP reply
/// or echo reply waits behind the flood (<see cref="BehindRxFlood"/>), or
/// when that ARP reply was dropped and the guest asks again a second later
/// (<see cref="ArpRetries"/>). Such a guest's first echo waits in its ARP
/// hold, which keeps one datagram per address as BSD's la_hold does, so the
/// echo it resends a second later replaces it and the first is lost
/// (<see cref="HeldEchoesReplaced"/>). An echo request or reply that never
/// arrived is counted in <see cref="RequestsLost"/> or
/// <see cref="RepliesLost"/> (a reply is lost only to a full xvif RX queue).
/// </summary>
internal sealed class FleetPings
{
    /// <summary>Echoes the guests sent, the resent ones included.</summary>
    public int EchoesSent { get; set; }

    /// <summary>Guests whose echo was answered.</summary>
    public int Answered { get; set; }

    /// <summary>Guests answered within the first second, before any echo was resent.</summary>
    public int AnsweredFirstSecond { get; private set; }

    /// <summary>Guests unanswered after the first second whose xvif still held frames in its RX queue then.</summary>
    public int BehindRxFlood { get; private set; }

    /// <summary>Guests unanswered after the first second whose xvif's RX queue was empty then.</summary>
    public int OtherwiseLate { get; private set; }

    /// <summary>ARP requests the guests sent beyond one each: a second ask, a second after an unanswered first.</summary>
    public long ArpRetries { get; private set; }

    /// <summary>Frames dropped by full xvif RX queues while the fleet pinged (the sum of their if_oqdrops).</summary>
    public long RxQueueDrops { get; private set; }

    /// <summary>Datagrams (echo requests) the guests' ARP holds lost: replaced by a later one, or their address never resolved.</summary>
    public long HeldEchoesReplaced { get; private set; }

    /// <summary>Echo requests sent that dom0 never received.</summary>
    public long RequestsLost { get; private set; }

    /// <summary>Echo replies dom0 sent that no guest received (each resent echo is answered too).</summary>
    public long RepliesLost { get; private set; }

    /// <summary>At the end of the first second: which unanswered guests' xvif still holds frames.</summary>
    public void FirstSecond(SimulatedXen xen, GuestSystem[] guests, bool[] replied, int answered, FleetCounters before)
    {
        AnsweredFirstSecond = answered;
        var queued = new HashSet<ushort>();
        foreach (XvifInstance xvif in xen.Dom0.Xvif.Instances)
        {
            if (xvif.RxQueued > 0)
            {
                queued.Add(xvif.FrontendId.Value);
            }
        }

        for (int i = 0; i < guests.Length; i++)
        {
            if (!Volatile.Read(ref replied[i]))
            {
                if (queued.Contains(guests[i].Kernel.DomId.Value))
                {
                    BehindRxFlood++;
                }
                else
                {
                    OtherwiseLate++;
                }
            }
        }
    }

    /// <summary>Once traffic has settled: the counters' growth over the whole ping phase.</summary>
    public void Finish(FleetCounters grown, int guests)
    {
        ArpRetries = grown.GuestArpRequestsSent - guests;
        HeldEchoesReplaced = grown.GuestArpHoldLost;
        RxQueueDrops = grown.XvifOutDrops;
        RequestsLost = EchoesSent - grown.Dom0EchoRequestsReceived;
        RepliesLost = grown.Dom0EchoRepliesSent - grown.GuestEchoRepliesReceived;
    }

    public override string ToString() =>
        $"{AnsweredFirstSecond} answered in the first second, {BehindRxFlood} behind the ARP flood in their xvif's RX queue and {OtherwiseLate} otherwise late then; " +
        $"{EchoesSent} echoes sent, {RequestsLost} requests ({HeldEchoesReplaced} replaced in an ARP hold) and {RepliesLost} replies lost, {RxQueueDrops} frames dropped by full xvif RX queues, {ArpRetries} ARP retries";
}
