namespace XvifSim.Public.Trace;

/// <summary>How an XenStore client reaches xenstored.</summary>
public enum TraceXsTransport : byte
{
    /// <summary>A domain's XenStore ring page and store event channel.</summary>
    Ring = 0,

    /// <summary>A Unix-socket client (xenstore-utils, pyxs).</summary>
    Socket = 1,

    /// <summary>The toolstack inside the simulator process (libxl's writes).</summary>
    Toolstack = 2,
}
