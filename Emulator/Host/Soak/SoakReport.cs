namespace XvifSim.Host.Soak;

/// <summary>
/// What a soak saw: datagrams per kind, drops by reason, the reconciliation
/// and what was left held. <see cref="Passed"/> when nothing is held and the
/// counters reconcile: attempted = received + dropped + residual, where the
/// residual is what torn-down rings took (at most
/// <see cref="TornDownBound"/> per teardown), frames flooded to a
/// destination that had gone (every other guest discarded a copy as not
/// for it: at most <see cref="NotForUsCopies"/>) and unknown-unicast floods
/// whose destination's copy its full port refused (at most
/// <see cref="UnknownUnicastCopiesRefused"/>), give or take the ARP
/// frames, which share the path and its drop counters. Copies of
/// broadcasts (ARP requests) that ports refused are shown, and are not
/// datagram drops: with many guests each ARP request is a copy for every
/// port, and a port whose RX queue is full refuses it. Exact per-frame
/// accounting holds in the fault tests, where one stream runs alone; here
/// the residual is checked against these bounds.
/// </summary>
internal sealed class SoakReport
{
    /// <summary>RX ring (256) + xvif's RX queue (512) + TX ring (256): the most one torn-down connection can hold.</summary>
    public const long TornDownBound = 256 + 512 + 256;

    public required SoakOptions Options { get; init; }

    public long GuestToGuestSent { get; init; }

    public long GuestToDom0Sent { get; init; }

    public long Received { get; init; }

    public long ReceivedByGuests { get; init; }

    public long ReceivedByDom0 { get; init; }

    public required IReadOnlyDictionary<string, long> SenderOutcomes { get; init; }

    public required IReadOnlyDictionary<string, long> Drops { get; init; }

    public long ArpFrames { get; init; }

    /// <summary>Ticks on which a guest's xennet0 refused a datagram and the guest slowed down (see SoakTraffic).</summary>
    public long BackOffs { get; init; }

    /// <summary>Flooded copies discarded as "not for us" (see SoakLedger.NotForUsCopies): an upper bound on frames whose departed destination the flood could not find.</summary>
    public long NotForUsCopies { get; init; }

    /// <summary>Copies of flooded broadcasts (ARP requests) that ports refused (Bridge.BroadcastCopiesRefused): not datagrams.</summary>
    public long BroadcastCopiesRefused { get; init; }

    /// <summary>Copies of unknown-unicast floods that ports refused (Bridge.UnknownUnicastCopiesRefused): at most one of each flood was its destination's.</summary>
    public long UnknownUnicastCopiesRefused { get; init; }

    public int Attaches { get; init; }

    public int Detaches { get; init; }

    public int Suspends { get; init; }

    /// <summary>The longest one attach, detach or suspend/resume took, in wall time (the toolstack waits at most 10 to 20 s per step).</summary>
    public TimeSpan SlowestEvent { get; init; }

    public required IReadOnlyList<string> Held { get; init; }

    public int Watches { get; init; }

    public int Connections { get; init; }

    public int Transactions { get; init; }

    public required IReadOnlyList<string> Failures { get; init; }

    public long Attempted => GuestToGuestSent + GuestToDom0Sent;

    public long Dropped => Drops.Values.Sum();

    public long Residual => Attempted - Received - Dropped;

    public int Teardowns => Detaches + Suspends;

    public bool Reconciled => Residual >= -ArpFrames && Residual <= Teardowns * TornDownBound + NotForUsCopies + UnknownUnicastCopiesRefused + ArpFrames;

    public bool Passed => Reconciled && Held.Count == 0 && Watches == 0 && Connections == 0 && Transactions == 0 && Failures.Count == 0;

    /// <summary>The threaded scheduler's pCPUs in this run.</summary>
    private int Pcpus => Options.Pcpus ?? Environment.ProcessorCount;

    public void Write(TextWriter output)
    {
        output.WriteLine($"soak: {Options.Guests} guests, {Options.Seconds} s, {(Options.Threaded ? $"threaded scheduler on {Pcpus} pCPU{(Pcpus == 1 ? "" : "s")}" : $"deterministic scheduler, seed {Options.Seed}")}");
        output.WriteLine($"events: {Attaches} network-attach, {Detaches} network-detach, {Suspends} suspend/resume; slowest {SlowestEvent.TotalSeconds:F2} s wall");
        output.WriteLine($"frames sent: guest->guest {GuestToGuestSent}, guest->dom0 {GuestToDom0Sent}; received: by guests {ReceivedByGuests}, by dom0 {ReceivedByDom0}; ARP frames {ArpFrames}");
        output.WriteLine($"pacing: {Attempted / Options.Seconds:F0} datagrams/s offered ({Attempted / Options.Seconds / Options.Guests:F0} per guest; at most {2 / SoakTraffic.TickFor(Options.Guests).TotalSeconds:F0}), {BackOffs} back-offs on a refused send");
        output.WriteLine("sender outcomes: " + string.Join(", ", SenderOutcomes.Select(o => $"{o.Key} {o.Value}")));
        output.WriteLine("drops by reason:");
        foreach ((string reason, long count) in Drops)
        {
            output.WriteLine($"  {reason,-56} {count,10}");
        }

        output.WriteLine($"flood copies ports refused (not datagram drops): broadcast (ARP requests) {BroadcastCopiesRefused}, unknown unicast {UnknownUnicastCopiesRefused}");
        output.WriteLine($"reconciliation: attempted {Attempted} = received {Received} + dropped {Dropped} + in torn-down rings {Residual} " +
            $"({(Reconciled ? "reconciled" : "NOT reconciled")}: within {Teardowns} teardowns x {TornDownBound} + {NotForUsCopies} flood copies discarded as not for us + {UnknownUnicastCopiesRefused} unknown-unicast copies refused, ARP frames +-{ArpFrames})");
        output.WriteLine($"outstanding beyond dom0: {Held.Count} (grants, mappings, ports, dying domains){(Held.Count == 0 ? "" : ": " + string.Join("; ", Held))}");
        output.WriteLine($"xenstore beyond dom0: watches {Watches}, connections {Connections}, transactions {Transactions}");
        foreach (string failure in Failures)
        {
            output.WriteLine($"failure: {failure}");
        }

        output.WriteLine(Passed ? "soak: PASS" : "soak: FAIL");
    }
}
