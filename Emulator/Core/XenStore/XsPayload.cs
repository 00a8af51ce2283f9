using System.Text;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// Splitting request payloads the way core.c does. Strings end with a NUL;
/// bytes after the last NUL do not form a string (get_strings). Paths and
/// permission strings are ASCII by the path rules, so they are decoded as
/// Latin-1 (one char per byte, nothing lost before validation); tokens and
/// values stay raw bytes.
/// </summary>
internal static class XsPayload
{
    /// <summary>xenstore_count_strings: the number of NUL-terminated strings.</summary>
    public static int CountStrings(ReadOnlySpan<byte> payload) => payload.Count((byte)0);

    /// <summary>
    /// core.c's onearg: exactly one string, whose NUL is the last byte.
    /// </summary>
    public static string? OneArg(ReadOnlySpan<byte> payload) =>
        TryOneArg(payload, out ReadOnlySpan<byte> arg) ? Encoding.Latin1.GetString(arg) : null;

    /// <summary><see cref="OneArg"/> as the request's own bytes, without the NUL.</summary>
    public static bool TryOneArg(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> arg)
    {
        arg = default;
        if (payload.IsEmpty || payload.IndexOf((byte)0) != payload.Length - 1)
        {
            return false;
        }

        arg = payload[..^1];
        return true;
    }

    /// <summary>The raw bytes of the <paramref name="index"/>th NUL-terminated string.</summary>
    public static ReadOnlySpan<byte> RawString(ReadOnlySpan<byte> payload, int index)
    {
        for (int i = 0; i < index; i++)
        {
            payload = payload[(payload.IndexOf((byte)0) + 1)..];
        }

        return payload[..payload.IndexOf((byte)0)];
    }

    public static string String(ReadOnlySpan<byte> payload, int index) => Encoding.Latin1.GetString(RawString(payload, index));

    /// <summary>The bytes after the first NUL: WRITE's value.</summary>
    public static ReadOnlySpan<byte> AfterFirst(ReadOnlySpan<byte> payload) => payload[(payload.IndexOf((byte)0) + 1)..];

    /// <summary>A reply string plus its NUL.</summary>
    public static byte[] Terminated(string text)
    {
        var bytes = new byte[text.Length + 1];
        Encoding.Latin1.GetBytes(text, bytes);
        return bytes;
    }
}
