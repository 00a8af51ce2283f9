using XvifSim.Public.Trace;

namespace XvifSim.Host.Captures;

/// <summary>
/// The trace sink that writes protocol records into a pcapng file beside the
/// frames: each channel is an interface of link type LINKTYPE_USER0 (147,
/// one of the link types pcap sets aside for private use) named as the
/// channel (<c>hypervisor</c>, <c>xenstore/dom1</c>, <c>netif/dom1/vif0/tx</c>),
/// added when first opened. Records are stamped with the writer's clock
/// under its lock, so they interleave with the frames in time order.
/// tools/wireshark/xvifsim.lua decodes them; docs/trace-format.md lays them out.
/// </summary>
internal sealed class PcapngTraceSink(PcapngWriter writer, Func<ulong> clock) : ITraceSink
{
    /// <summary>LINKTYPE_USER0: every trace interface uses it; the record's own type byte says what it is.</summary>
    public const ushort LinkTypeUser0 = 147;

    private readonly Dictionary<string, Channel> _channels = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ITraceChannel Open(string name, string description)
    {
        using Lock.Scope scope = _lock.EnterScope();
        if (!_channels.TryGetValue(name, out Channel? channel))
        {
            uint id = writer.AddInterface(name, description, [], TraceRecord.MaxSize, LinkTypeUser0);
            channel = new Channel(writer, id, clock);
            _channels.Add(name, channel);
        }

        return channel;
    }

    private sealed class Channel(PcapngWriter writer, uint id, Func<ulong> clock) : ITraceChannel
    {
        public void Write(ReadOnlySpan<byte> record) => writer.WritePacket(id, clock, record, inbound: null);
    }
}
