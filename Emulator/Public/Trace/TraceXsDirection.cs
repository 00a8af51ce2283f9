namespace XvifSim.Public.Trace;

/// <summary>Which way an XenStore message went, seen from xenstored.</summary>
public enum TraceXsDirection : byte
{
    /// <summary>A message to xenstored.</summary>
    Request = 0,
    /// <summary>xenstored's reply to a request.</summary>
    Reply = 1,
    /// <summary>An XS_WATCH_EVENT xenstored sent unasked.</summary>
    WatchEvent = 2,
}
