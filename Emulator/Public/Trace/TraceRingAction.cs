namespace XvifSim.Public.Trace;

/// <summary>What an end did with one ring entry.</summary>
public enum TraceRingAction : byte
{
    /// <summary>The frontend published a request (RING_PUSH_REQUESTS).</summary>
    RequestPushed = 0,

    /// <summary>The backend copied a request out of the ring.</summary>
    RequestConsumed = 1,

    /// <summary>The backend published a response (RING_PUSH_RESPONSES).</summary>
    ResponsePushed = 2,

    /// <summary>The frontend read a response.</summary>
    ResponseConsumed = 3,
}
