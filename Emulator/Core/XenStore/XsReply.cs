using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// The outcome of one request: an error, or the payload of a success reply.
/// The payload may be a node's value, which the core copies into the
/// connection's queue before anything can change it.
/// </summary>
internal readonly record struct XsReply(Errno Error, ReadOnlyMemory<byte> Payload)
{
    /// <summary>"OK" plus NUL, the reply of requests with nothing else to say.</summary>
    public static readonly XsReply Ok = new(Errno.Ok, "OK\0"u8.ToArray());

    public static XsReply Fail(Errno error) => new(error, ReadOnlyMemory<byte>.Empty);

    public static XsReply Success(ReadOnlyMemory<byte> payload) => new(Errno.Ok, payload);
}
