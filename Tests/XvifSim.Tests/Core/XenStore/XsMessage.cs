using System.Text;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>One message a test connection's sink received.</summary>
internal readonly record struct XsMessage(XsdSockmsgType Type, uint ReqId, uint TxId, byte[] Payload)
{
    public string Text => Encoding.Latin1.GetString(Payload);

    /// <summary>The errno name of an ERROR reply, or null for anything else.</summary>
    public string? ErrorName => Type == XsdSockmsgType.Error ? Text.TrimEnd('\0') : null;

    /// <summary>The NUL-terminated strings of the payload.</summary>
    public string[] Strings => Text.Split('\0')[..^1];

    public override string ToString() => $"{Type} req={ReqId} tx={TxId} \"{Text.Replace("\0", "|", StringComparison.Ordinal)}\"";
}
