using System.Net.Sockets;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// XenStore on a Unix stream socket, in the wire format of xs_wire.h, for host
/// tools such as Debian's xenstore-utils and pyxs (docs/reference/xenstore.md, "Outside clients"). As C
/// xenstored does, every socket client is privileged and acts as dom0
/// (relative paths resolve under /local/domain/0). Replies echo the request's
/// req_id and tx_id (the core does that) and are written in request order. A
/// request longer than XENSTORE_PAYLOAD_MAX breaks the protocol and, as in C
/// xenstored, ends that client's connection only. Each client has its own
/// reader and its own bounded writer queue (<see cref="XsSocketSession"/>),
/// so a client that stops reading cannot stall the store or another client:
/// past <see cref="MaxQueuedMessages"/> unread messages it is disconnected.
/// </summary>
public sealed class XsSocketServer : IDisposable
{
    /// <summary>Unread replies and watch events one client may have queued before it is dropped.</summary>
    public const int MaxQueuedMessages = 4096;

    /// <summary>How long <see cref="Dispose"/> waits for the sessions, whose sockets it has already closed, to finish.</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(2);

    private readonly XenStoreCore _core;
    private readonly Socket _listener;
    private readonly Task _acceptLoop;
    private readonly Lock _clientsLock = new();
    private readonly Dictionary<Socket, Task> _clients = [];
    private bool _disposed;
    private int _nextClient;

    /// <summary>
    /// Listens on <paramref name="path"/>. A socket file left by a server that
    /// died is replaced; a live server on the path, or a file with contents,
    /// is an <see cref="IOException"/> rather than something to delete.
    /// </summary>
    public XsSocketServer(XenStoreCore core, string path)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentException.ThrowIfNullOrEmpty(path);
        _core = core;
        Path = path;

        // bind() reports a missing directory as ENOENT, which .NET turns into
        // "Cannot assign requested address"; name the real problem instead.
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"directory {directory} does not exist");
        }

        RemoveStaleSocket(path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            _listener.Bind(new UnixDomainSocketEndPoint(path));
            _listener.Listen(64);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        _acceptLoop = Task.Run(AcceptLoop);
    }

    /// <summary>The socket's path.</summary>
    public string Path { get; }

    /// <summary>One line per protocol violation or dropped client, for the log. Raised on a client's thread.</summary>
    public event Action<string>? Diagnostic;

    /// <summary>
    /// Closes every client (dropping their watches and transactions in the
    /// core), stops listening and removes the socket file. Returns within
    /// about <see cref="StopWait"/> whatever the clients do.
    /// </summary>
    public void Dispose()
    {
        Task[] sessions;
        lock (_clientsLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            sessions = [.. _clients.Values];
            foreach (Socket client in _clients.Keys)
            {
                client.Dispose();
            }
        }

        // Disposing the listener also unlinks the socket file it bound (.NET
        // does that for Unix-domain sockets), so the path is free again.
        _listener.Dispose();
        Task.WhenAll([_acceptLoop, .. sessions]).Wait(StopWait);
    }

    /// <summary>
    /// A Unix socket's file outlives its server, and bind() fails on it with
    /// EADDRINUSE. .NET cannot tell a socket file from a regular one, but a
    /// socket file is always empty and refuses connections once its server
    /// is gone, so only such a file is removed.
    /// </summary>
    private static void RemoveStaleSocket(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return;
        }

        if (file.Length > 0)
        {
            throw new IOException($"{path} is a file with contents, not a socket");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }

        throw new IOException($"another server is listening on {path}");
    }

    private async Task AcceptLoop()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                // Dispose closed the listener.
                return;
            }

            int id = Interlocked.Increment(ref _nextClient);
            var session = new XsSocketSession(_core, client, id, Report);
            lock (_clientsLock)
            {
                if (_disposed)
                {
                    client.Dispose();
                    return;
                }

                // Added under the lock, so the session's own removal below cannot run first.
                _clients[client] = Task.Run(async () =>
                {
                    await session.RunAsync();
                    lock (_clientsLock)
                    {
                        _clients.Remove(client);
                    }
                });
            }
        }
    }

    private void Report(string line) => Diagnostic?.Invoke(line);
}
