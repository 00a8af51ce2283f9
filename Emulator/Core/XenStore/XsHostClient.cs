using System.Collections.Concurrent;
using System.Text;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// A synchronous, privileged in-process client of the store: what the
/// toolstack in dom0 uses (libxl's xs_* calls) to lay out domains and
/// devices. It speaks the same messages as any client, through the core.
/// </summary>
public sealed class XsHostClient : IDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly XenStoreCore _core;
    private readonly XsConnection _connection;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<(XsdSockmsgType, byte[])>> _pending = new();
    private int _nextReqId;

    public XsHostClient(XenStoreCore core)
    {
        _core = core;
        _connection = core.Connect(DomId.Dom0, privileged: true, OnMessage);
    }

    public Errno Write(string path, string value) => Call(XsdSockmsgType.Write, [.. Strings(path), .. Encoding.Latin1.GetBytes(value)]).Error;

    public Errno Mkdir(string path) => Call(XsdSockmsgType.Mkdir, Strings(path)).Error;

    public Errno Rm(string path) => Call(XsdSockmsgType.Rm, Strings(path)).Error;

    /// <summary>SET_PERMS with permissions such as "n0", "r3": the first names the owner and the default.</summary>
    public Errno SetPerms(string path, params string[] perms) => Call(XsdSockmsgType.SetPerms, Strings([path, .. perms])).Error;

    public Errno Read(string path, out string value)
    {
        (Errno error, byte[] payload) = Call(XsdSockmsgType.Read, Strings(path));
        value = error == Errno.Ok ? Encoding.Latin1.GetString(payload) : "";
        return error;
    }

    public Errno Directory(string path, out IReadOnlyList<string> children)
    {
        (Errno error, byte[] payload) = Call(XsdSockmsgType.Directory, Strings(path));
        string text = Encoding.Latin1.GetString(payload).TrimEnd('\0');
        children = error == Errno.Ok && text.Length > 0 ? text.Split('\0') : [];
        return error;
    }

    public void Dispose() => _core.Disconnect(_connection);

    private (Errno Error, byte[] Payload) Call(XsdSockmsgType type, byte[] payload)
    {
        uint reqId = (uint)Interlocked.Increment(ref _nextReqId);
        var reply = new TaskCompletionSource<(XsdSockmsgType, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[reqId] = reply;
        _core.Process(_connection, type, reqId, 0, payload);
        if (!reply.Task.Wait(ReplyTimeout))
        {
            throw new TimeoutException($"xenstore {type}: no reply in {ReplyTimeout.TotalSeconds} s");
        }

        (XsdSockmsgType replyType, byte[] body) = reply.Task.Result;
        if (replyType != XsdSockmsgType.Error)
        {
            return (Errno.Ok, body);
        }

        XsErrors.TryParse(Encoding.ASCII.GetString(body).TrimEnd('\0'), out Errno error);
        return (error, body);
    }

    private void OnMessage(XsdSockmsgType type, uint reqId, uint txId, ReadOnlyMemory<byte> payload)
    {
        if (type != XsdSockmsgType.WatchEvent && _pending.TryRemove(reqId, out var reply))
        {
            reply.SetResult((type, payload.ToArray()));
        }
    }

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
}
