namespace XvifSim.Public.Trace;

/// <summary>Which shared index of io/ring.h's sring header a ring-index record moved.</summary>
public enum TraceRingIndexKind : byte
{
    ReqProd = 0,
    RspProd = 1,
    ReqEvent = 2,
    RspEvent = 3,
}
