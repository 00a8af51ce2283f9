using System.Net.Sockets;
using System.Threading.Channels;
using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// XenStore on a Unix stream socket, in the wire format of xs_wire.h, for host
/// tools such as Debian's xenstore-utils and pyxs. As C xenstored does, every
/// socket client is privileged and acts as dom0 (relative paths resolve under
/// /local/domain/0). Replies echo the request's req_id and tx_id (the core
/// does that). A request longer than XENSTORE_PAYLOAD_MAX breaks the protocol
/// and, as in C xenstored, ends that client's connection only. Each client has
/// its own reader and its own writer queue, so a client that stops reading
/// cannot stall the store or another client: past <see cref="MaxQueuedMessages"/>
/// unread messages it is disconnected.
/// </summary>
public sealed class XsSocketServer : IDisposable
{
    /// <summary>Unread replies and watch events one client may have queued before it is dropped.</summary>
    public const int MaxQueuedMessages = 4096;

    private readonly XenStoreCore _core;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly Lock _clientsLock = new();
    private readonly HashSet<Socket> _clients = [];
    private int _nextClient;

    /// <summary>Listens on <paramref name="path"/>; a stale socket file left by an earlier run is replaced.</summary>
    public XsSocketServer(XenStoreCore core, string path)
    {
        _core = core;
        Path = path;
        if (File.Exists(path))
        {
            if ((File.GetAttributes(path) & FileAttributes.Normal) == FileAttributes.Normal)
            {
                throw new IOException($"{path} exists and is a regular file, not a socket");
            }

            File.Delete(path);
        }

        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(64);
        _acceptLoop = Task.Run(AcceptLoop);
    }

    public string Path { get; }

    /// <summary>One line per protocol violation or dropped client, for the log.</summary>
    public event Action<string>? Diagnostic;

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (_clientsLock)
            {
                _clients.Add(client);
            }

            int id = Interlocked.Increment(ref _nextClient);
            _ = Task.Run(() => ServeAsync(client, id));
        }
    }

    private async Task ServeAsync(Socket socket, int id)
    {
        var outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(MaxQueuedMessages) { SingleReader = true });
        XsConnection connection = _core.Connect(DomId.Dom0, privileged: true, (type, reqId, txId, payload) =>
        {
            byte[] message = new byte[XsdSockmsg.Size + payload.Length];
            new XsdSockmsg(type, reqId, txId, (uint)payload.Length).Write(message);
            payload.Span.CopyTo(message.AsSpan(XsdSockmsg.Size));
            if (!outgoing.Writer.TryWrite(message))
            {
                Report($"socket client {id}: {MaxQueuedMessages} messages unread; dropping it");
                socket.Dispose();
            }
        });
        Task writer = WriteAsync(socket, outgoing.Reader);
        try
        {
            await ReadRequestsAsync(socket, id, connection);
        }
        finally
        {
            _core.Disconnect(connection);
            outgoing.Writer.TryComplete();
            await writer;
            lock (_clientsLock)
            {
                _clients.Remove(socket);
            }

            socket.Dispose();
        }
    }

    private async Task ReadRequestsAsync(Socket socket, int id, XsConnection connection)
    {
        byte[] header = new byte[XsdSockmsg.Size];
        byte[] payload = new byte[XsLimits.PayloadMax];
        try
        {
            while (await ReadExactlyAsync(socket, header))
            {
                XsdSockmsg request = XsdSockmsg.Read(header);
                if (request.Len > XsLimits.PayloadMax)
                {
                    Report($"socket client {id}: {request.Type} with a {request.Len}-byte payload (limit {XsLimits.PayloadMax}); dropping it");
                    return;
                }

                if (!await ReadExactlyAsync(socket, payload.AsMemory(0, (int)request.Len)))
                {
                    Report($"socket client {id}: connection closed inside a {request.Type} message");
                    return;
                }

                _core.Process(connection, request.Type, request.ReqId, request.TxId, payload.AsSpan(0, (int)request.Len));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away, or the server is stopping: nothing to answer.
        }
    }

    private async Task WriteAsync(Socket socket, ChannelReader<byte[]> outgoing)
    {
        try
        {
            await foreach (byte[] message in outgoing.ReadAllAsync())
            {
                await socket.SendAsync(message, SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client went away; its reader sees the same and disconnects it.
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; false if the peer closed first (at a message boundary or not).</summary>
    private async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    private void Report(string line) => Diagnostic?.Invoke(line);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        lock (_clientsLock)
        {
            foreach (Socket client in _clients)
            {
                client.Dispose();
            }
        }

        _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        File.Delete(Path);
        _stop.Dispose();
    }
}
