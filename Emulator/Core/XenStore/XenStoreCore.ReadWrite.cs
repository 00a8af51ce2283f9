using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// READ and WRITE, the requests a running system makes most (xenbus state
/// changes, backends reading their frontend's keys). Their locked parts are
/// ref structs holding the canonical path, in a buffer on the caller's stack,
/// and the value, as a slice of the request: the node is found from those
/// characters, a WRITE of an existing node stores the bytes into the node
/// (<see cref="XsOp.Write"/>), and the event names the node's own path, so
/// neither request allocates (core.c do_read, do_write).
/// </summary>
public sealed partial class XenStoreCore
{
    private void ProcessRead(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Span<char> buffer = stackalloc char[XsPath.BufferLength(request.Conn, payload.Length)];
        var handler = new ReadHandler(this, ParseOnePath(request.Conn, payload, buffer, out int length), buffer[..length]);
        Execute(request, XsTxMode.Use, false, ref handler);
    }

    /// <summary>WRITE <c>path|value</c>: the value is every byte after the path's NUL.</summary>
    private void ProcessWrite(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Span<char> buffer = stackalloc char[XsPath.BufferLength(request.Conn, payload.Length)];
        Errno parsed = Errno.EINVAL;
        int length = 0;
        ReadOnlySpan<byte> value = default;
        if (XsPayload.CountStrings(payload) >= 1)
        {
            parsed = XsPath.Canonicalize(XsPayload.RawString(payload, 0), request.Conn, _quotas, false, buffer, out length, out _);
            value = XsPayload.AfterFirst(payload);
        }

        var handler = new WriteHandler(this, parsed, buffer[..length], value);
        Execute(request, XsTxMode.Use, false, ref handler);
    }

    /// <summary>A request of exactly one path (core.c onearg), canonicalised into <paramref name="buffer"/>.</summary>
    private Errno ParseOnePath(XsConnection conn, ReadOnlySpan<byte> payload, Span<char> buffer, out int length)
    {
        length = 0;
        return XsPayload.TryOneArg(payload, out ReadOnlySpan<byte> arg)
            ? XsPath.Canonicalize(arg, conn, _quotas, false, buffer, out length, out _)
            : Errno.EINVAL;
    }

    private readonly ref struct ReadHandler(XenStoreCore core, Errno parsed, ReadOnlySpan<char> path) : IXsHandler
    {
        private readonly ReadOnlySpan<char> _path = path;

        public XsReply Run(XsOp op)
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            Errno error = core.GetChecked(op, _path, XsRights.Read, out XsNode? node);

            // Values are raw bytes, sent without a NUL (xenstore.txt).
            return error == Errno.Ok ? XsReply.Success(node!.Value) : XsReply.Fail(error);
        }
    }

    private readonly ref struct WriteHandler(XenStoreCore core, Errno parsed, ReadOnlySpan<char> path, ReadOnlySpan<byte> value) : IXsHandler
    {
        private readonly ReadOnlySpan<char> _path = path;
        private readonly ReadOnlySpan<byte> _value = value;

        public XsReply Run(XsOp op)
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            Errno error = core.GetChecked(op, _path, XsRights.Write, out XsNode? node);
            if (error == Errno.ENOENT)
            {
                error = core.Create(op, _path.ToString(), _value, out node);
            }
            else if (error == Errno.Ok)
            {
                // An existing node keeps its permissions and gets the new value.
                error = core.OverNodeSize(op.Conn, node!.AccountedSizeWith(_value.Length)) ? Errno.ENOSPC : Errno.Ok;
                node = error == Errno.Ok ? op.Write(node, _value) : null;
            }

            if (error != Errno.Ok)
            {
                return XsReply.Fail(error);
            }

            // One event, for the written path, even if parents were created
            // or the value did not change (core.c do_write).
            op.Events.Add(ChangeEvent(op, node!, default));
            return XsReply.Ok;
        }
    }
}
