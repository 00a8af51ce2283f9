using XvifSim.Public.XenStore;

namespace XvifSim.Benchmarks;

/// <summary>
/// A XenStore client end that does what the ring and socket servers do with
/// a message: copy header and payload into a buffer it already has.
/// </summary>
internal sealed class ServerLikeSink
{
    private readonly byte[] _message = new byte[XsdSockmsg.Size + XsLimits.PayloadMax];

    public XsdSockmsgType LastType { get; private set; }

    public void Receive(XsdSockmsgType type, uint reqId, uint txId, ReadOnlySpan<byte> payload)
    {
        new XsdSockmsg(type, reqId, txId, (uint)payload.Length).Write(_message);
        payload.CopyTo(_message.AsSpan(XsdSockmsg.Size));
        LastType = type;
    }

    /// <summary>Throws unless the last message had <paramref name="type"/> (an ERROR means the loop measured a failure).</summary>
    public void Expect(XsdSockmsgType type)
    {
        if (LastType != type)
        {
            throw new InvalidOperationException($"a XenStore request got {LastType}, not {type}");
        }
    }
}
