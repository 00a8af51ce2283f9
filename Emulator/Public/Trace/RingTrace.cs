using XvifSim.Public.Rings;

namespace XvifSim.Public.Trace;

/// <summary>
/// What one end of one ring reports: its entries as it produced or consumed
/// them and the shared indices it moved. A driver makes one when it connects
/// a ring and the host has a trace sink (<see cref="IHypercalls.Trace"/>),
/// and hangs it on its FrontRing or BackRing; both ends of a ring write to
/// the same channel, so the records of a request and its response meet.
/// </summary>
public sealed class RingTrace(ITraceChannel channel, DomId domId, TraceRingKind ring, TraceRingEnd end)
{
    /// <summary>The channel both ends of this ring write to.</summary>
    public ITraceChannel Channel { get; } = channel;

    /// <summary>Which ring the records are about.</summary>
    public TraceRingKind Ring { get; } = ring;

    /// <summary>Which end of the ring this instance records for.</summary>
    public TraceRingEnd End { get; } = end;

    /// <summary>Opens the channel <c>netif/dom&lt;frontend&gt;/vif&lt;handle&gt;/tx|rx</c> of <paramref name="sink"/>, or gives null with no sink.</summary>
    public static RingTrace? ForNetif(ITraceSink? sink, DomId self, DomId frontend, uint handle, TraceRingKind ring, TraceRingEnd end)
    {
        if (sink is null)
        {
            return null;
        }

        string direction = ring == TraceRingKind.NetifTx ? "tx" : "rx";
        ITraceChannel channel = sink.Open(
            $"netif/dom{frontend.Value}/vif{handle}/{direction}",
            $"the netif {direction.ToUpperInvariant()} ring of dom{frontend.Value}'s vif {handle} (TX and RX named from the frontend's side), as both ends see it");
        return new RingTrace(channel, self, ring, end);
    }

    /// <summary>One entry, as its netif.h bytes, at free-running <paramref name="index"/> (slot <paramref name="slot"/>).</summary>
    public void Entry(TraceRingAction action, RingIndex index, uint slot, ReadOnlySpan<byte> entry)
    {
        Span<byte> record = stackalloc byte[TraceRecord.RingEntryOffset + TraceRecord.RingEntryCap];
        Channel.Write(record[..TraceRecord.FormatRingEntry(record, domId, Ring, End, action, index, slot, entry)]);
    }

    /// <summary>
    /// An entry this end copied out of the ring (a request the backend
    /// consumed, a response the frontend consumed), recorded from the copy,
    /// not the shared bytes, which the peer may have changed since.
    /// </summary>
    public void Consumed<T>(TraceRingAction action, RingIndex index, uint ringSize, in T entry)
        where T : struct, IRingEntry
    {
        Span<byte> bytes = stackalloc byte[T.EntrySize];
        entry.Write(bytes);
        Entry(action, index, (uint)index.Slot(ringSize), bytes);
    }

    /// <summary>A shared index moved from <paramref name="oldValue"/> to <paramref name="newValue"/>; for a producer, the peer's event index and whether it asked for an event.</summary>
    public void Index(TraceRingIndexKind kind, bool notify, RingIndex oldValue, RingIndex newValue, RingIndex peerEvent)
    {
        Span<byte> record = stackalloc byte[TraceRecord.RingIndexSize];
        Channel.Write(record[..TraceRecord.FormatRingIndex(record, domId, Ring, End, kind, notify, oldValue, newValue, peerEvent)]);
    }

    /// <summary>
    /// A push: each entry from <paramref name="old"/> to <paramref name="updated"/>
    /// as this end wrote it into its own ring page (at most a ring's worth, so
    /// a peer that scribbled on the shared producer index cannot make this
    /// loop long), then the index record.
    /// </summary>
    internal void Pushed(ReadOnlySpan<byte> page, uint size, int entrySize, TraceRingAction action, TraceRingIndexKind kind, RingIndex old, RingIndex updated, RingIndex peerEvent, bool notify)
    {
        uint count = Math.Min(updated - old, size);
        for (RingIndex index = updated - count; index != updated; index += 1)
        {
            int slot = index.Slot(size);
            Entry(action, index, (uint)slot, page.Slice(Rings.SharedRing.HeaderSize + (slot * entrySize), Math.Min(entrySize, TraceRecord.RingEntryCap)));
        }

        Index(kind, notify, old, updated, peerEvent);
    }
}
