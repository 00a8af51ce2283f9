namespace XvifSim.Public.Trace;

/// <summary>Which way an XenStore message went, seen from xenstored.</summary>
public enum TraceXsDirection : byte
{
    Request = 0,
    Reply = 1,
    WatchEvent = 2,
}
