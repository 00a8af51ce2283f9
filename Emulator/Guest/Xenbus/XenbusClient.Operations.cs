using System.Text;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Guest.Xenbus;

/// <summary>The typed operations drivers use (xenbus_read, xenbus_write, xenbus_transaction_start, ...).</summary>
public sealed partial class XenbusClient
{
    /// <summary>XS_READ: the value at <paramref name="path"/>, or the errno.</summary>
    public async Task<XsResult<string>> ReadAsync(string path, XenbusTransaction tx = default)
    {
        (Errno error, byte[] payload) = await CallAsync(XsdSockmsgType.Read, tx, Strings(path));
        return error == Errno.Ok ? XsResult<string>.Ok(Encoding.Latin1.GetString(payload)) : XsResult<string>.Failed(error);
    }

    /// <summary>XS_WRITE: sets <paramref name="path"/> to <paramref name="value"/>, creating it; Ok or the errno.</summary>
    public async Task<Errno> WriteAsync(string path, string value, XenbusTransaction tx = default)
    {
        byte[] pathBytes = Strings(path);
        byte[] payload = new byte[pathBytes.Length + Encoding.Latin1.GetByteCount(value)];
        pathBytes.CopyTo(payload, 0);
        Encoding.Latin1.GetBytes(value, payload.AsSpan(pathBytes.Length));
        return (await CallAsync(XsdSockmsgType.Write, tx, payload)).Error;
    }

    /// <summary>XS_MKDIR: creates <paramref name="path"/> with an empty value; Ok or the errno.</summary>
    public async Task<Errno> MkdirAsync(string path, XenbusTransaction tx = default) =>
        (await CallAsync(XsdSockmsgType.Mkdir, tx, Strings(path))).Error;

    /// <summary>XS_RM: removes <paramref name="path"/> and its subtree; Ok or the errno.</summary>
    public async Task<Errno> RmAsync(string path, XenbusTransaction tx = default) =>
        (await CallAsync(XsdSockmsgType.Rm, tx, Strings(path))).Error;

    /// <summary>XS_DIRECTORY: the names of <paramref name="path"/>'s children, or the errno.</summary>
    public async Task<XsResult<IReadOnlyList<string>>> DirectoryAsync(string path, XenbusTransaction tx = default)
    {
        (Errno error, byte[] payload) = await CallAsync(XsdSockmsgType.Directory, tx, Strings(path));
        return error == Errno.Ok
            ? XsResult<IReadOnlyList<string>>.Ok(SplitStrings(payload))
            : XsResult<IReadOnlyList<string>>.Failed(error);
    }

    /// <summary>XS_TRANSACTION_START: a new transaction, or the errno (EQUOTA, say).</summary>
    public async Task<XsResult<XenbusTransaction>> TransactionStartAsync()
    {
        (Errno error, byte[] payload) = await CallAsync(XsdSockmsgType.TransactionStart, XenbusTransaction.Nil, Strings(""));
        return error == Errno.Ok && uint.TryParse(SplitStrings(payload).FirstOrDefault(), out uint id)
            ? XsResult<XenbusTransaction>.Ok(new XenbusTransaction(id))
            : XsResult<XenbusTransaction>.Failed(error == Errno.Ok ? Errno.EINVAL : error);
    }

    /// <summary>Commits (<paramref name="commit"/>) or aborts; EAGAIN means another writer won and nothing was applied.</summary>
    public async Task<Errno> TransactionEndAsync(XenbusTransaction tx, bool commit) =>
        (await CallAsync(XsdSockmsgType.TransactionEnd, tx, Strings(commit ? "T" : "F"))).Error;

    /// <summary>
    /// Runs <paramref name="body"/> in a transaction and commits it, starting
    /// over on EAGAIN as every xenbus user does. A body that returns an error
    /// aborts the transaction and that error is returned.
    /// </summary>
    public async Task<Errno> TransactAsync(Func<XenbusTransaction, Task<Errno>> body)
    {
        for (int attempt = 0; attempt < MaxTransactionAttempts; attempt++)
        {
            XsResult<XenbusTransaction> tx = await TransactionStartAsync();
            if (!tx.IsOk)
            {
                return tx.Error;
            }

            Errno error = await body(tx.Value);
            if (error != Errno.Ok)
            {
                await TransactionEndAsync(tx.Value, commit: false);
                return error;
            }

            error = await TransactionEndAsync(tx.Value, commit: true);
            if (error != Errno.EAGAIN)
            {
                return error;
            }
        }

        return Errno.EAGAIN;
    }

    /// <summary>
    /// Sets a watch; <paramref name="callback"/>(path, token) runs on the vCPU
    /// for every event, the first one at once for <paramref name="path"/> itself.
    /// </summary>
    public async Task<Errno> WatchAsync(string path, string token, Action<string, string> callback)
    {
        _watches[token] = callback;
        Errno error = (await CallAsync(XsdSockmsgType.Watch, XenbusTransaction.Nil, Strings(path, token))).Error;
        if (error != Errno.Ok)
        {
            _watches.Remove(token);
        }

        return error;
    }

    /// <summary>
    /// Removes a watch. Its callback is forgotten before UNWATCH is sent, as
    /// Linux's unregister_xenbus_watch does, so no event already on its way
    /// runs it once the caller has asked for the watch to go.
    /// </summary>
    public async Task<Errno> UnwatchAsync(string path, string token)
    {
        _watches.Remove(token);
        return (await CallAsync(XsdSockmsgType.Unwatch, XenbusTransaction.Nil, Strings(path, token))).Error;
    }

    private async Task<(Errno Error, byte[] Payload)> CallAsync(XsdSockmsgType type, XenbusTransaction tx, byte[] payload)
    {
        (XsdSockmsgType replyType, byte[] reply) = await RequestAsync(type, tx, payload);
        if (replyType != XsdSockmsgType.Error)
        {
            return (Errno.Ok, reply);
        }

        // libxenstore's rule: a name it does not know counts as EINVAL.
        XsErrors.TryParse(Encoding.ASCII.GetString(reply).TrimEnd('\0'), out Errno error);
        return (error, reply);
    }

    /// <summary>Each string followed by its NUL, as xs_wire.h's requests are laid out.</summary>
    private static byte[] Strings(params string[] parts)
    {
        var bytes = new List<byte>();
        foreach (string part in parts)
        {
            bytes.AddRange(Encoding.Latin1.GetBytes(part));
            bytes.Add(0);
        }

        return [.. bytes];
    }

    private static List<string> SplitStrings(byte[] payload)
    {
        string text = Encoding.Latin1.GetString(payload);
        return text.Length == 0 ? [] : [.. text.TrimEnd('\0').Split('\0')];
    }
}
