using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// Where the core hands a transport the messages for one connection: replies
/// (echoing the request's type, req_id and tx_id, or <see cref="XsdSockmsgType.Error"/>)
/// and unsolicited WATCH_EVENTs (req_id = tx_id = 0). The core never calls a
/// sink while it holds a lock, never calls one sink from two threads at once,
/// and calls it in the order the messages were produced. The payload lives in
/// a buffer the core reuses, so it is valid only during the call: a sink
/// copies what it keeps (into its own reused buffer, as the ring and socket
/// servers do), which is why it is a span.
/// </summary>
public delegate void XsMessageSink(XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload);
