namespace XvifSim.Public.Trace;

/// <summary>Which shared index of io/ring.h's sring header a ring-index record moved.</summary>
public enum TraceRingIndexKind : byte
{
    /// <summary>sring.req_prod, moved by the frontend.</summary>
    ReqProd = 0,
    /// <summary>sring.rsp_prod, moved by the backend.</summary>
    RspProd = 1,
    /// <summary>sring.req_event, set by the backend.</summary>
    ReqEvent = 2,
    /// <summary>sring.rsp_event, set by the frontend.</summary>
    RspEvent = 3,
}
