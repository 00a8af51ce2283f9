using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>The header fields of a request, echoed in its reply.</summary>
internal readonly record struct XsRequest(XsConnection Conn, XsdSockmsgType Type, uint ReqId, uint TxId);
