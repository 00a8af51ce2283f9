namespace XvifSim.Public.XenStore;

/// <summary>The protocol limits of xs_wire.h.</summary>
public static class XsLimits
{
    /// <summary>XENSTORE_PAYLOAD_MAX: the largest payload of one message, either direction.</summary>
    public const int PayloadMax = 4096;

    /// <summary>XENSTORE_ABS_PATH_MAX: the longest absolute path.</summary>
    public const int AbsPathMax = 3072;

    /// <summary>XENSTORE_REL_PATH_MAX: the longest path relative to a domain's home.</summary>
    public const int RelPathMax = 2048;
}
