using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// One client of <see cref="XsSocketServer"/>: a privileged dom0 connection to
/// the core, a reader that hands it whole requests, and a writer that drains a
/// bounded queue of replies and watch events into the socket. The queue keeps
/// a client that stops reading from stalling the core (the sink only ever
/// enqueues); past <see cref="XsSocketServer.MaxQueuedMessages"/> the client
/// is dropped, as C xenstored drops a connection it cannot write to.
/// Messages travel in buffers rented from the shared array pool and returned
/// once sent, and requests are read into two buffers reused for the whole
/// session, so a request costs the session no allocation of its own.
/// </summary>
internal sealed class XsSocketSession
{
    private readonly XenStoreCore _core;
    private readonly Socket _socket;
    private readonly int _id;
    private readonly Action<string> _report;
    private readonly Channel<(byte[] Buffer, int Length)> _outgoing =
        Channel.CreateBounded<(byte[] Buffer, int Length)>(new BoundedChannelOptions(XsSocketServer.MaxQueuedMessages) { SingleReader = true });

    /// <summary>1 once the session is ending; messages after that are dropped without a report.</summary>
    private int _ending;

    public XsSocketSession(XenStoreCore core, Socket socket, int id, Action<string> report)
    {
        _core = core;
        _socket = socket;
        _id = id;
        _report = report;
    }

    /// <summary>Serves the client until it closes, breaks the protocol, falls too far behind, or the socket is closed under it.</summary>
    public async Task RunAsync()
    {
        XsConnection connection = _core.Connect(DomId.Dom0, privileged: true, Deliver, Public.Trace.TraceXsTransport.Socket, (uint)_id);
        Task writer = WriteAsync();
        try
        {
            await ReadRequestsAsync(connection);
        }
        catch (Exception e)
        {
            // A broken invariant in the core while serving this client: drop
            // the client, keep the store and the other clients going (docs/design.md,
            // "Shared memory is hostile"), and say why.
            _report($"socket client {_id}: internal error, dropping it: {e}");
        }
        finally
        {
            // C xenstored frees a connection at EOF or on a protocol error and
            // discards its unsent output; so do we: watches and transactions go
            // with it (xenstore.txt: closing the connection aborts them).
            Volatile.Write(ref _ending, 1);
            _core.Disconnect(connection);
            _outgoing.Writer.TryComplete();
            _socket.Dispose();
            await writer;
        }
    }

    /// <summary>The core's sink: never blocks, because it may run on another client's thread.</summary>
    private void Deliver(XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload)
    {
        if (Volatile.Read(ref _ending) != 0)
        {
            return;
        }

        int length = XsdSockmsg.Size + payload.Length;
        byte[] message = ArrayPool<byte>.Shared.Rent(length);
        new XsdSockmsg(type, reqId, txId, (uint)payload.Length).Write(message);
        payload.CopyTo(message.AsSpan(XsdSockmsg.Size));
        if (_outgoing.Writer.TryWrite((message, length)))
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(message);
        if (Interlocked.Exchange(ref _ending, 1) == 0)
        {
            _report($"socket client {_id}: {XsSocketServer.MaxQueuedMessages} messages unread; dropping it");

            // Closing the socket wakes this client's reader, which disconnects it from the core.
            _socket.Dispose();
        }
    }

    private async Task ReadRequestsAsync(XsConnection connection)
    {
        byte[] header = new byte[XsdSockmsg.Size];
        byte[] payload = new byte[XsLimits.PayloadMax];
        try
        {
            while (await ReadExactlyAsync(header))
            {
                XsdSockmsg request = XsdSockmsg.Read(header);
                if (request.Len > XsLimits.PayloadMax)
                {
                    // xs_wire.h: a payload over XENSTORE_PAYLOAD_MAX breaks the
                    // protocol; C xenstored drops that connection only.
                    _report($"socket client {_id}: {request.Type} with a {request.Len}-byte payload (limit {XsLimits.PayloadMax}); dropping it");
                    return;
                }

                if (!await ReadExactlyAsync(payload.AsMemory(0, (int)request.Len)))
                {
                    _report($"socket client {_id}: connection closed inside a {request.Type} message");
                    return;
                }

                _core.Process(connection, request.Type, request.ReqId, request.TxId, payload.AsSpan(0, (int)request.Len));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client went away, was dropped, or the server is stopping: nothing to answer.
        }
    }

    private async Task WriteAsync()
    {
        try
        {
            await foreach ((byte[] message, int length) in _outgoing.Reader.ReadAllAsync())
            {
                for (int sent = 0; sent < length;)
                {
                    sent += await _socket.SendAsync(message.AsMemory(sent, length - sent), SocketFlags.None);
                }

                ArrayPool<byte>.Shared.Return(message);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client went away or was dropped; the reader sees the same and ends the session.
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; false if the peer closed first (at a message boundary or not).</summary>
    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await _socket.ReceiveAsync(buffer[read..], SocketFlags.None);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
