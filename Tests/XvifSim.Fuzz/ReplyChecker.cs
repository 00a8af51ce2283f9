using System.Text;
using XvifSim.Public.XenStore;

namespace XvifSim.Fuzz;

/// <summary>
/// Matches what the server sends against the requests in order
/// (xenstore.txt: one reply per request, req_id and tx_id echoed; the reply
/// has the request's type, or is ERROR with an errno name and its NUL).
/// Watch events may come between replies and carry req_id 0 and a payload
/// of two NUL-terminated strings, path and token.
/// </summary>
internal sealed class ReplyChecker(List<XsdSockmsg> requests)
{
    public int Answered { get; private set; }

    public int Expected => requests.Count;

    public void Check(XsdSockmsg reply, ReadOnlySpan<byte> payload)
    {
        if (reply.Type == XsdSockmsgType.WatchEvent)
        {
            FuzzFinding.Check(reply.ReqId == 0 && reply.TxId == 0, $"WATCH_EVENT with req_id {reply.ReqId} tx_id {reply.TxId}");
            FuzzFinding.Check(payload.Count((byte)0) == 2 && payload[^1] == 0, $"WATCH_EVENT payload {Show(payload)}");
            return;
        }

        FuzzFinding.Check(Answered < requests.Count, $"a {reply.Type} reply (req_id {reply.ReqId}) to no request");
        XsdSockmsg request = requests[Answered++];
        FuzzFinding.Check(reply.ReqId == request.ReqId && reply.TxId == request.TxId,
            $"reply {Answered}: req_id {reply.ReqId} tx_id {reply.TxId} for a request with req_id {request.ReqId} tx_id {request.TxId}");
        if (reply.Type == XsdSockmsgType.Error)
        {
            bool known = !payload.IsEmpty && payload[^1] == 0
                && XsErrors.TryParse(Encoding.ASCII.GetString(payload[..^1]), out _);
            FuzzFinding.Check(known, $"reply {Answered}: ERROR payload {Show(payload)}");
            return;
        }

        FuzzFinding.Check(reply.Type == request.Type, $"reply {Answered}: {reply.Type} answers a {request.Type}");
    }

    private static string Show(ReadOnlySpan<byte> payload) => Convert.ToHexString(payload);
}
