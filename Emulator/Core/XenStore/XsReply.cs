using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>The outcome of one request: an error, or the payload of a success reply.</summary>
internal readonly record struct XsReply(Errno Error, byte[] Payload)
{
    /// <summary>"OK" plus NUL, the reply of requests with nothing else to say.</summary>
    public static readonly XsReply Ok = new(Errno.Ok, "OK\0"u8.ToArray());

    public static XsReply Fail(Errno error) => new(error, []);

    public static XsReply Success(byte[] payload) => new(Errno.Ok, payload);
}
