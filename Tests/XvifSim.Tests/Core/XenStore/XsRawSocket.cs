using System.Buffers.Binary;
using System.Net.Sockets;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>
/// A bare xs_wire client on a Unix socket, written against the header layout
/// (type, req_id, tx_id, len, little-endian) rather than our own types, so the
/// server is checked the way an outside tool sees it. Every read has a timeout.
/// </summary>
internal sealed class XsRawSocket : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    public XsRawSocket(string path, int? receiveBufferSize = null)
    {
        Socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        if (receiveBufferSize is int size)
        {
            Socket.ReceiveBufferSize = size;
        }

        Socket.ReceiveTimeout = (int)ReadTimeout.TotalMilliseconds;
        Socket.Connect(new UnixDomainSocketEndPoint(path));
    }

    public Socket Socket { get; }

    /// <summary>A header followed by <paramref name="payload"/>; len is the payload's length unless given.</summary>
    public static byte[] Frame(uint type, uint reqId, uint txId, byte[] payload, uint? len = null)
    {
        byte[] frame = new byte[16 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(0), type);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), reqId);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), txId);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(12), len ?? (uint)payload.Length);
        payload.CopyTo(frame, 16);
        return frame;
    }

    public void SendBytes(byte[] bytes) => Socket.Send(bytes);

    public void Send(XsdSockmsgType type, uint reqId, uint txId, byte[] payload) =>
        SendBytes(Frame((uint)type, reqId, txId, payload));

    /// <summary>Sends one request and returns the next message (callers that set watches use <see cref="Receive"/>).</summary>
    public XsMessage Request(XsdSockmsgType type, byte[] payload, uint reqId = 0, uint txId = 0)
    {
        Send(type, reqId, txId, payload);
        return Receive();
    }

    /// <summary>The next whole message; fails the test if none comes in time or the server closes.</summary>
    public XsMessage Receive()
    {
        byte[] header = ReadExactly(16);
        uint len = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        Assert.That(len, Is.LessThanOrEqualTo(4096u), "reply payload over XENSTORE_PAYLOAD_MAX");
        return new XsMessage(
            (XsdSockmsgType)BinaryPrimitives.ReadUInt32LittleEndian(header),
            BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)),
            BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)),
            ReadExactly((int)len));
    }

    /// <summary>
    /// Reads and discards until the server closes; true if it did within the
    /// timeout. A reset counts as closed: Linux reports ECONNRESET instead of
    /// EOF when the server closed with unread bytes of ours.
    /// </summary>
    public bool WaitForClose()
    {
        byte[] buffer = new byte[65536];
        DateTime deadline = DateTime.UtcNow + ReadTimeout;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                if (Socket.Receive(buffer) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }

        return false;
    }

    public void Dispose() => Socket.Dispose();

    private byte[] ReadExactly(int count)
    {
        byte[] buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = Socket.Receive(buffer, read, count - read, SocketFlags.None);
            if (n == 0)
            {
                Assert.Fail($"the server closed the connection after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }
}
