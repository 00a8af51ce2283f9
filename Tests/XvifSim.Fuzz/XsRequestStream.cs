using XvifSim.Public.XenStore;

namespace XvifSim.Fuzz;

/// <summary>The requests a byte stream holds, cut as xs_wire.h frames them: a 16-byte header, then len bytes.</summary>
internal static class XsRequestStream
{
    /// <summary>
    /// The whole messages in <paramref name="stream"/>, up to the first whose
    /// len exceeds XENSTORE_PAYLOAD_MAX (<paramref name="oversized"/>: the
    /// server must stop there with XENSTORE_ERROR_PROTO). A trailing partial
    /// message is not a request yet.
    /// </summary>
    public static List<XsdSockmsg> Split(ReadOnlySpan<byte> stream, out bool oversized)
    {
        var requests = new List<XsdSockmsg>();
        oversized = false;
        while (stream.Length >= XsdSockmsg.Size)
        {
            XsdSockmsg header = XsdSockmsg.Read(stream);
            if (header.Len > XsLimits.PayloadMax)
            {
                oversized = true;
                break;
            }

            if (stream.Length < XsdSockmsg.Size + (int)header.Len)
            {
                break;
            }

            requests.Add(header);
            stream = stream[(XsdSockmsg.Size + (int)header.Len)..];
        }

        return requests;
    }
}
