using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// Where the core hands a transport the messages for one connection: replies
/// (echoing the request's type, req_id and tx_id, or <see cref="XsdSockmsgType.Error"/>)
/// and unsolicited WATCH_EVENTs (req_id = tx_id = 0). The core never calls a
/// sink while it holds a lock, never calls one sink from two threads at once,
/// and calls it in the order the messages were produced. The payload is owned
/// by the message and stays valid after the call.
/// </summary>
public delegate void XsMessageSink(XsdSockmsgType type, uint reqId, uint txId, ReadOnlyMemory<byte> payload);
