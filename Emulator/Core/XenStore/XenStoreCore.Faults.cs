using System.Text;
using XvifSim.Emulator.Faults;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>Requests a fault plan answers with an error in the store's stead (<see cref="Machine.Faults"/>).</summary>
public sealed partial class XenStoreCore
{
    /// <summary>The fault plan's hooks, or null for none; the machine sets it with <see cref="Machine.Faults"/>.</summary>
    public IFaultHooks? Faults { get; set; }

    /// <summary>
    /// Asks the plan about one request; if it chose an error, answers it and
    /// returns true. A struck TRANSACTION_END ends the transaction as a failed
    /// commit does (transaction.c: the id is dead whatever the outcome), so a
    /// client that retries on EAGAIN starts a fresh one and nothing is left.
    /// </summary>
    private bool TryStrike(IFaultHooks faults, XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno error = faults.XenStoreRequest(request.Conn, request.Type, FaultPath(request, payload));
        if (error == Errno.Ok)
        {
            return false;
        }

        Execute(request, XsTxMode.Ignore, false, op =>
        {
            if (request.Type == XsdSockmsgType.TransactionEnd)
            {
                CloseTransaction(op.Conn, request.TxId);
            }

            return XsReply.Fail(error);
        });
        return true;
    }

    /// <summary>
    /// The absolute path a request names, as a fault's pattern sees it: its
    /// first string, made absolute under the caller's home if relative; empty
    /// for requests that name no path.
    /// </summary>
    private static string FaultPath(XsRequest request, ReadOnlySpan<byte> payload)
    {
        bool hasPath = request.Type is XsdSockmsgType.Read or XsdSockmsgType.Write or XsdSockmsgType.Mkdir
            or XsdSockmsgType.Rm or XsdSockmsgType.Directory or XsdSockmsgType.DirectoryPart
            or XsdSockmsgType.GetPerms or XsdSockmsgType.SetPerms or XsdSockmsgType.Watch or XsdSockmsgType.Unwatch;
        int end = payload.IndexOf((byte)0);
        if (!hasPath || end <= 0)
        {
            return string.Empty;
        }

        string path = Encoding.Latin1.GetString(payload[..end]);
        return path.StartsWith('/') || path.StartsWith('@') ? path : $"{request.Conn.HomePath}/{path}";
    }
}
